package report

import "html/template"

// The page links nothing: styles are inline, charts are inline SVG, and text
// uses fonts every system has, so the file opens anywhere, offline.
var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="marketsql">
<title>{{.Title}}</title>
<style>
body { font-family: 'Liberation Sans', Arial, Helvetica, 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif;
       margin: 0; color: #222; background: #f4f4f2; line-height: 1.4; }
header { background: #1b4d3e; color: #fff; padding: 1.2em 2em; }
header h1 { margin: 0 0 .2em 0; font-size: 1.6em; }
header p { margin: 0; opacity: .85; }
nav { padding: .8em 2em; background: #fff; border-bottom: 1px solid #ddd; }
nav a { margin-right: 1.2em; color: #1b4d3e; }
main { padding: 1em 2em 3em 2em; max-width: 1200px; }
section.model { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 1.2em 0; padding: 1em 1.5em; }
section.model h2 { margin: 0; font-size: 1.35em; }
section.model h2 small { font-weight: normal; color: #666; font-size: .7em; margin-left: .6em; }
.card { display: flex; flex-wrap: wrap; gap: 2em; margin: .8em 0; }
.card table { border-collapse: collapse; font-size: .9em; }
.card th { text-align: left; color: #555; font-weight: normal; padding: .15em 1em .15em 0; vertical-align: top; }
.card td { padding: .15em 0; max-width: 38em; overflow-wrap: anywhere; }
summary h3 { display: inline; }
summary { cursor: pointer; }
.card h3, .tables h3 { font-size: 1em; margin: 0 0 .3em 0; color: #1b4d3e; }
.notes { background: #fff8e1; border-left: 4px solid #e6ab02; padding: .4em 1em; font-size: .9em; }
.notes p { margin: .2em 0; }
table.data { border-collapse: collapse; font-size: .88em; margin: .3em 0 1em 0; }
table.data th, table.data td { border-bottom: 1px solid #e4e4e4; padding: .25em .7em; text-align: left; }
table.data td.n { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1.2em; }
figure.chart { margin: 0; flex: 0 1 auto; max-width: 100%; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: .82em; color: #555; max-width: 40em; margin-top: .3em; }
p.empty { font-size: 1.1em; background: #fff; border: 1px solid #ddd; padding: 1.5em; border-radius: 6px; }
footer { color: #777; font-size: .8em; padding: 0 2em 2em 2em; }
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p>{{if .Database}}{{.Database}} · {{end}}{{len .Sections}} model{{if ne (len .Sections) 1}}s{{end}} · generated {{.Generated}}</p>
</header>
{{if .Sections}}<nav>{{range .Sections}}<a href="#{{.ID}}">{{.Name}}</a>{{end}}</nav>{{end}}
<main>
{{if not .Sections}}<p class="empty" id="no-models">This database has no models yet. Train one with
<code>kmeans_train</code>, <code>lda_train</code>, <code>recommend_train</code>, <code>clv_train</code> or
<code>assoc_train</code> (or bring one in with <code>ml_import</code>), then report again.</p>{{end}}
{{range .Sections}}
<section class="model" id="{{.ID}}" data-kind="{{.Kind}}">
<h2>{{.Name}}<small>{{.Family}}</small></h2>
<div class="card">
<div><h3>Trained</h3><table>{{range .Facts}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>{{end}}</table></div>
{{if .Metrics}}<div><h3>Metrics</h3><table>{{range .Metrics}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>{{end}}</table></div>{{end}}
{{if .Options}}<div><details><summary><h3>Options</h3></summary><table>{{range .Options}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>{{end}}</table></details></div>{{end}}
</div>
{{if .Notes}}<div class="notes">{{range .Notes}}<p>{{.}}</p>{{end}}</div>{{end}}
{{if .Tables}}<div class="tables">{{range .Tables}}{{$num := .Numeric}}
<h3>{{.Title}}</h3>
<table class="data"><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr>{{range $i, $c := .}}<td{{if index $num $i}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</tbody></table>{{end}}</div>{{end}}
<div class="charts">
{{range .Charts}}<figure class="chart" data-title="{{.Title}}">{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{end}}</div>
</section>
{{end}}
</main>
<footer>Written by marketsql. Charts drawn with gonum.org/v1/plot. The file is self-contained: it loads nothing.</footer>
</body>
</html>
`))
