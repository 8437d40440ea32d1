-- -csv -header: rows end in "\n"; fields quoted when empty or holding
-- a separator, a quote, a space, a control or a non-ASCII character
select 1 as id, 'plain' as t, 'a,b' as comma, 'say "hi"' as quote, 'two words' as space, '' as empty, NULL as nul, 'it''s' as apos, 'ü' as uml, 'l1
l2' as nl, 2.5 as r, x'41' as blob;
select 'x' as "col,name" where 0;
