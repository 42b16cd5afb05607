-- When the server's certificate expires, as the last successful test saw it (milliseconds).
alter table smtp_settings add column cert_expires_at bigint;
