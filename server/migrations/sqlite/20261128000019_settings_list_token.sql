-- The settings list's revision also carries a random token, drawn afresh with every move. An
-- instance keeps its copy of the list under both, so a database restored from a backup, whose
-- number may come back to one already seen, never serves a list read before the restore.
-- A template's update moves it only when the template changes the settings it sends through.
alter table list_revisions add column token integer not null default 0;
update list_revisions set token = random();

drop trigger settings_list_on_settings_insert;
drop trigger settings_list_on_settings_update;
drop trigger settings_list_on_settings_delete;
drop trigger settings_list_on_template_insert;
drop trigger settings_list_on_template_update;
drop trigger settings_list_on_template_delete;

create trigger settings_list_on_settings_insert after insert on smtp_settings
begin update list_revisions set revision = revision + 1, token = random() where name = 'settings'; end;
create trigger settings_list_on_settings_update after update on smtp_settings
begin update list_revisions set revision = revision + 1, token = random() where name = 'settings'; end;
create trigger settings_list_on_settings_delete after delete on smtp_settings
begin update list_revisions set revision = revision + 1, token = random() where name = 'settings'; end;
create trigger settings_list_on_template_insert after insert on email_templates
begin update list_revisions set revision = revision + 1, token = random() where name = 'settings'; end;
create trigger settings_list_on_template_update after update of settings_id on email_templates
when old.settings_id is not new.settings_id
begin update list_revisions set revision = revision + 1, token = random() where name = 'settings'; end;
create trigger settings_list_on_template_delete after delete on email_templates
begin update list_revisions set revision = revision + 1, token = random() where name = 'settings'; end;
