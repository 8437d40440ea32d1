.models
create table pts(id integer primary key, x real, y real);
insert into pts values (1, 0, 0), (2, 0, 1), (3, 10, 10), (4, 10, 11), (5, 0, 0.5), (6, 10, 10.5);
select kmeans_train('segments', 'pts', '{"k": 2, "seed": 1}') is not null as trained;
select kmeans_train('segs_3', 'pts', '{"k": 3, "seed": 1}') is not null as trained;
.models
.models seg%
.models SEGMENTS
.models seg
.models s_gs%
.models %_3
.models nothing%
.models a b
