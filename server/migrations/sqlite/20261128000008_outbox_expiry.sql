-- When a mail stops being worth sending (a password-reset mail: when its link expires). The
-- worker fails such a mail, with the reason, instead of retrying it past that time.
alter table outbox add column expires_at integer;

-- For the delivery health of each settings: when a waiting mail first failed an attempt
-- (cleared when it is sent or resent), and when a mail failed for good.
alter table outbox add column first_failed_at integer;
alter table outbox add column failed_at integer;
create index outbox_sent on outbox (status, sent_at);
create index outbox_failed on outbox (status, failed_at);
