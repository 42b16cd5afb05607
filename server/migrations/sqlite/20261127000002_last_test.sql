-- The last "Send test email" of each saved settings, shown in the list.
alter table smtp_settings add column last_test_at integer;
alter table smtp_settings add column last_test_ok integer check (last_test_ok in (0, 1));
alter table smtp_settings add column last_test_summary text;
