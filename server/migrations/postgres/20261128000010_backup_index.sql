-- Which settings name these as their backup: read for every row of the list, and by the
-- foreign key when settings are deleted.
create index smtp_settings_backup on smtp_settings (backup_id) where backup_id is not null;
