-- A resent mail keeps counting its attempts; the retry limit counts from the resend.
alter table outbox add column attempt_base integer not null default 0;
