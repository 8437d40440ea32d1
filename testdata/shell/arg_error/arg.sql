select 1; selec 2; select 3
