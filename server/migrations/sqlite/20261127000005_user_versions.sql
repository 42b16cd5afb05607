-- Users carry a version like settings and templates do, so two administrators changing the
-- same person's role never silently overwrite each other.
alter table users add column version integer not null default 1;
alter table users add column updated_at integer;
alter table users add column updated_by integer references users (id) on delete set null;
