-- Which claim a mail being sent belongs to: a random number per claimed batch. Renewals and
-- outcomes touch only rows still under their own claim, so a sender that lost its claim to
-- another instance cannot overwrite what that instance records.
alter table outbox add column claim bigint;

-- Lists sort by these keys; byte order, as SQLite's default, whatever the cluster's locale.
alter table users alter column email_key type text collate "C";
alter table smtp_settings alter column name_key type text collate "C";
alter table email_templates alter column name_key type text collate "C";
