-- ix_challenges_service_denial (0005) indexed every challenge for the service's fatigue counters, a
-- rare backend read, and cost an index write per challenge. The counters read the service's rows
-- through ix_challenges_list (service_sid first) instead. It also misled PostgreSQL's planner: on a
-- small table it chose this index for entity lists, filtering identity row by row.
DROP INDEX ix_challenges_service_denial;
