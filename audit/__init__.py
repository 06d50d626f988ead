"""The audit log: who did what, when, from which address, to which object.

One store for everything: django-auditlog writes the create/change/delete entries of every
registered model (with the fields changed) into our own log entry model, `audit.Entry`
(AUDITLOG_LOGENTRY_MODEL), and `audit.events.record()` writes the events that are not a model
change (sign-in, failed sign-in, lockout, 2FA, publish, exports...) into the same table.

Why our own model rather than auditlog's LogEntry: an event such as a failed sign-in has no
object, and LogEntry requires one (its content type is NOT NULL); it has no field for the
event's name to filter on, and it keeps only the actor's email once the user is deleted.
`audit.Entry` is auditlog's AbstractLogEntry with a nullable content type, an indexed `event`
and the actor's username kept as text, so auditlog's diffing, masking, m2m logging and
disable_auditlog() all keep working on it. See docs/audit.md.
"""
