.help q
.help .ex
.help e
.help nothing
.help a b
