package cond

// Exchanges is the part of a record that holds prisoner exchanges: one
// Item per releasing party of each exchange, Count the persons it
// released. A record without it has exchanged nobody.
type Exchanges interface {
	Exchanges() []Item
}

// exchanged counts the persons released in the exchanges that match the
// filters (party=: the releasing party; within=).
func exchanged(c *Call, r Record) value {
	n := 0
	if x, ok := r.(Exchanges); ok {
		for _, it := range x.Exchanges() {
			if matches(c.Args, it, r.Now()) {
				n += it.Count
			}
		}
	}
	return value{n: float64(n), ok: true, knd: kNum}
}
