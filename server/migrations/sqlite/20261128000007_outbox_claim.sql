-- Which claim a mail being sent belongs to: a random number per claimed batch. Renewals and
-- outcomes touch only rows still under their own claim, so a sender that lost its claim to
-- another instance cannot overwrite what that instance records.
alter table outbox add column claim integer;
