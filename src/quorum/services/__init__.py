"""Use cases: plain functions taking a session and explicit arguments, one package per domain.

One transaction per use case, committed at the service boundary and never inside helpers.
Services know the database, task types, the quality engine, formats and jobs; never HTTP.
Domains, lowest first (a domain imports only those listed before it; `make lint` checks):

- errors, ids, names, cursors, refit_queue  leaf modules: import no other service
- accounts/   users, API keys, roles, browser sessions; who may do what (permissions)
- projects/   projects, their versioned params, the quality policy and its accessor, members
- consensus/  one adapter per response shape onto the quality engine (verdicts, gold scores)
- callbacks/  callback URL rules, the outbox every state change writes, per-project settings
- tasks/      task records, creation and file import, queries, edits, the lifecycle, batches
- labeling/   the annotator loop: assignments (task leases), gold, overlap decisions, test mode
- files/      stored files: uploads, imports by URL, who may read them
- workforce/  annotators and blocking, skill refits, groups, Studio, dashboards, my work
- review/     review queues and decisions
- exports/    project exports, streamed
- ops/        what the worker runs: its job registry, callback delivery, job administration,
              retention
"""
