-- Who did what, when, from where. Entries keep the actor's name as it was, so they outlive
-- the user; the triggers make the table append-only for every client of this database.
create table audit_log (
    id integer primary key,
    at integer not null,
    actor_id integer,
    actor text not null,
    action text not null,
    target text not null,
    details text not null,
    client text not null
);
create index audit_log_at on audit_log (at);

create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit log entries cannot be changed');
end;

create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit log entries cannot be deleted');
end;
