-- Failover: the settings that carry these settings' mail when they fail for now, and which
-- settings actually sent each mail.
alter table smtp_settings add column backup_id bigint references smtp_settings (id) on delete set null;
alter table outbox add column sent_via text;
