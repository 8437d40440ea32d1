-- The functions are ordinary SQLite functions and table-valued functions
-- (virtual table modules), listed by SQLite's own pragmas.
SELECT DISTINCT name FROM pragma_function_list WHERE name LIKE 'kmeans%' ORDER BY name;
SELECT DISTINCT name FROM pragma_function_list
WHERE name LIKE 'lda%' OR name LIKE 'recommend%' OR name LIKE 'ml_%' OR name = 'similar_items'
   OR name LIKE 'clv%' OR name LIKE 'assoc%' ORDER BY name;
SELECT name FROM pragma_module_list
WHERE name LIKE 'kmeans%' OR name LIKE 'lda%' OR name LIKE 'recommend%' OR name = 'similar_items'
   OR name LIKE 'clv%' OR name LIKE 'assoc%' OR name = 'rfm' ORDER BY name;
-- None is marked deterministic (SQLITE_DETERMINISTIC, 0x800): a score
-- depends on the stored model as well as on the arguments, so SQLite must
-- not keep it in an index or a generated column. They take any number of
-- arguments (narg -1) and check the count themselves.
SELECT DISTINCT name, narg, (flags & 0x800) <> 0 AS deterministic FROM pragma_function_list
WHERE name IN ('kmeans_assign', 'kmeans_distance', 'lda_top_topic', 'kmeans_train', 'lda_train', 'recommend_train', 'ml_drop')
ORDER BY name;
