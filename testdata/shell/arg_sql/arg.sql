select 1 as a; select 'two', NULL; select 3.0
