-- When a mail stops being worth sending (a password-reset mail: when its link expires). The
-- worker fails such a mail, with the reason, instead of retrying it past that time.
alter table outbox add column expires_at bigint;
