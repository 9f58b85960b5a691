-- The audit log (GET /api/v1/audit) reads the journal's audit entries newest
-- first, a page at a time: walk them by entity without scanning the registry's.
CREATE INDEX journal_entity_seq ON journal(entity, seq);
