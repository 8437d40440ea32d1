.functions
.mode box
.functions kmeans%
.functions KMEANS_TRAIN
.functions kmeans
.functions %_select_%
.functions a b
