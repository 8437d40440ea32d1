.bail on
.nosuchcommand
select 'not reached';
