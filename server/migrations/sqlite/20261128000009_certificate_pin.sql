-- The one server certificate trusted for these settings ("Trust this certificate"): its
-- SHA-256 fingerprint as upper-case hex pairs joined by colons, or null for the usual roots.
alter table smtp_settings add column certificate text
    check (certificate is null or length(certificate) = 95);
