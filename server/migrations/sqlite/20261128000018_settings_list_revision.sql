-- A number that changes with every write the SMTP settings list shows: the settings
-- themselves and which templates send through them. The server keeps the list it last read
-- with the number it read first, and reads the list again only when the number has moved.
-- Triggers keep it, so no write path can forget it.
create table list_revisions (
    name text primary key,
    revision integer not null
);
insert into list_revisions (name, revision) values ('settings', 0);

create trigger settings_list_on_settings_insert after insert on smtp_settings
begin update list_revisions set revision = revision + 1 where name = 'settings'; end;
create trigger settings_list_on_settings_update after update on smtp_settings
begin update list_revisions set revision = revision + 1 where name = 'settings'; end;
create trigger settings_list_on_settings_delete after delete on smtp_settings
begin update list_revisions set revision = revision + 1 where name = 'settings'; end;
create trigger settings_list_on_template_insert after insert on email_templates
begin update list_revisions set revision = revision + 1 where name = 'settings'; end;
create trigger settings_list_on_template_update after update of settings_id on email_templates
begin update list_revisions set revision = revision + 1 where name = 'settings'; end;
create trigger settings_list_on_template_delete after delete on email_templates
begin update list_revisions set revision = revision + 1 where name = 'settings'; end;
