-- Lists and searches under the built-in policy filter threads by metadata.owner within a
-- project, in seq order. The expression must stay exactly the one Database.metadataValue
-- emits for the key "owner", or the planner will not match it. jsonb, not ->> text, so that
-- equality keeps JSON types apart (the string "2" is not the number 2).
CREATE INDEX threads_owner ON threads (project_id, (metadata -> 'owner'), seq);
