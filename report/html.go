package report

import (
	"embed"
	"html/template"
	"io"
	"strconv"
	"time"
)

//go:embed daily.html briefing.html reconstruction.html
var templates embed.FS

var daily = template.Must(template.New("daily.html").Funcs(template.FuncMap{
	// delta is a signed change; only digits and a sign, so safe as HTML.
	"delta": func(today, yesterday int) template.HTML {
		switch d := today - yesterday; {
		case d > 0:
			return template.HTML("+" + itoa(d))
		case d < 0:
			return template.HTML(itoa(d))
		}
		return "±0"
	},
	"confidence": Confidence,
	"pct":        pct,
	"tonnes":     Tonnes,
	// deltat is a signed change of tonnes, as delta ("+93,392", "±0");
	// only digits, commas and a sign, so safe as HTML.
	"deltat": func(today, yesterday float64) template.HTML {
		switch d := Tonnes(today - yesterday); {
		case d == "0" || d == "-0":
			return "±0"
		case d[0] == '-':
			return template.HTML(d)
		default:
			return template.HTML("+" + d)
		}
	},
	"money":   money,
	"instant": Instant,
}).ParseFS(templates, "daily.html", "reconstruction.html"))

// Instant writes an instant as the reports print one: RFC 3339 in UTC,
// with a Z, to the second and below it when the instant has more
// ("2026-06-02T09:00:00Z"), as accord agreement status does.
func Instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func itoa(n int) string { return strconv.Itoa(n) }

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// Party is the name of a party code in this report (PartyName).
func (d *Daily) Party(code string) string { return PartyName(d.Parties, code) }

// HTML renders the report as a self-contained HTML page.
func (d *Daily) HTML(w io.Writer) error { return daily.Execute(w, d) }
