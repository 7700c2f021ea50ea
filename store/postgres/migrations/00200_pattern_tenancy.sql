-- +goose Up
-- Pattern tenancy: every pattern has an owner and never matches, counts or decides anything
-- outside it. scope is 'operator' (built-in packs and patterns the operator loads with the CLI:
-- everywhere), 'account' (one GitHub owner, patterns.owner), 'repository' (patterns.repo_id; its
-- owner is kept too) or 'legacy' (a pattern saved globally from the UI before scopes existed and
-- whose owner cannot be told: retired, applies nowhere). Owners are GitHub logins, lower-cased.
ALTER TABLE repositories ADD COLUMN owner TEXT NOT NULL DEFAULT '';
UPDATE repositories SET owner = lower(split_part(full_name, '/', 1));
CREATE INDEX repositories_owner ON repositories (owner, id);

ALTER TABLE patterns ADD COLUMN scope TEXT NOT NULL DEFAULT 'operator'
    CHECK (scope IN ('operator', 'account', 'repository', 'legacy'));
ALTER TABLE patterns ADD COLUMN owner TEXT NOT NULL DEFAULT '';

UPDATE patterns SET scope = 'repository',
    owner = COALESCE((SELECT r.owner FROM repositories r WHERE r.id = patterns.repo_id), '')
WHERE repo_id IS NOT NULL;

-- UI patterns were all source 'ui', so a name saved in one repository replaced the same name in
-- another. The source now names the scope, keeping (source, name) unique per tenant.
UPDATE patterns SET source = 'ui:' || (SELECT r.full_name FROM repositories r WHERE r.id = patterns.repo_id)
WHERE source = 'ui' AND repo_id IS NOT NULL;

-- A global UI pattern in a store that knows a single owner was that owner's: it becomes
-- account-wide for it.
UPDATE patterns SET scope = 'account', owner = (SELECT MIN(owner) FROM repositories),
    source = 'ui:' || (SELECT MIN(owner) FROM repositories)
WHERE source = 'ui' AND repo_id IS NULL AND (SELECT COUNT(DISTINCT owner) FROM repositories) = 1;

-- Otherwise nobody can tell whose it was: it is retired and applies nowhere (its matches stay
-- for the record; the audit trail says why). An owner re-creates it in their own scope.
INSERT INTO audit_events (actor, action, subject, detail, at)
SELECT 'totto', 'pattern.retire', 'pattern:' || id,
    'tenancy migration: a global pattern saved in the UI has no single owner; re-create it as an account or repository pattern',
    now()
FROM patterns WHERE source = 'ui' AND repo_id IS NULL AND retired_at IS NULL;
UPDATE patterns SET scope = 'legacy', source = 'ui:legacy',
    retired_by = CASE WHEN retired_at IS NULL THEN 'totto' ELSE retired_by END,
    retired_at = COALESCE(retired_at, now())
WHERE source = 'ui' AND repo_id IS NULL;

CREATE INDEX patterns_scope_owner ON patterns (scope, owner);

-- +goose Down
DROP INDEX patterns_scope_owner;
ALTER TABLE patterns DROP COLUMN owner;
ALTER TABLE patterns DROP COLUMN scope;
DROP INDEX repositories_owner;
ALTER TABLE repositories DROP COLUMN owner;
