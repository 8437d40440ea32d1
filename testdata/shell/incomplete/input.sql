select 'fine';
select 'unterminated
