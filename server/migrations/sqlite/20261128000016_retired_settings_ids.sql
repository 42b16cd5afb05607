-- SQLite gives a new row the highest id plus one, so deleting the newest settings would hand
-- their id to the next settings created, and history that names the deleted settings (a
-- template version's settings, a settings version's backup, a mail's "sent via") would then
-- name unrelated ones. Deleted ids are kept here and never given out again. (PostgreSQL's
-- identity columns never reuse an id.)
create table retired_settings_ids (id integer primary key);

create trigger settings_id_retired after delete on smtp_settings
begin
    insert or ignore into retired_settings_ids (id) values (old.id);
end;

-- Ids deleted before this migration, as far as history still names them.
insert or ignore into retired_settings_ids (id)
select settings_id from template_revisions where settings_id is not null and settings_id not in (select id from smtp_settings)
union
select backup_id from settings_revisions where backup_id is not null and backup_id not in (select id from smtp_settings);
