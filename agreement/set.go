package agreement

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/cond"
)

// Ref is a place where one of the agreement's conditions refers to another
// agreement of its set.
type Ref struct {
	// Agreement is the agreement referred to.
	Agreement string
	// Field is the condition's field: phases[1] (two).entry,
	// enforcement.tranches[0].release, enforcement.lift,
	// provisions[0] (p1).after.
	Field string
	// Col is the column in the condition (0 for a provision's after, which
	// is a name, not a condition).
	Col int
}

// condition is one of the agreement's conditions, with its field.
type condition struct {
	field, src string
	after      bool // a provision's after, checked as since(AFTER) >= 0d
}

// conditions lists the agreement's conditions in the order of the file.
func (a *Agreement) conditions() []condition {
	var out []condition
	for i, p := range a.Provisions {
		if p.After != "" {
			out = append(out, condition{fmt.Sprintf("provisions[%d] (%s).after", i, p.ID), "since(" + p.After + ") >= 0d", true})
		}
	}
	for i, p := range a.Phases {
		out = append(out, condition{fmt.Sprintf("phases[%d] (%s).entry", i, p.ID), p.Entry, false})
	}
	if e := a.Enforcement; e != nil {
		for i, t := range e.Tranches {
			out = append(out, condition{fmt.Sprintf("enforcement.tranches[%d].release", i), t.Release, false})
		}
		if e.Lift != "" {
			out = append(out, condition{"enforcement.lift", e.Lift, false})
		}
	}
	return out
}

// Refs lists the references of the agreement's conditions to other
// agreements, in the order of the file.
func (a *Agreement) Refs() []Ref {
	var out []Ref
	for _, c := range a.conditions() {
		e, err := cond.Parse(c.src)
		if err != nil {
			continue
		}
		for _, r := range cond.Refs(e) {
			col := r.Col
			if c.after {
				col = 0
			}
			out = append(out, Ref{Agreement: r.Agreement, Field: c.Field(), Col: col})
		}
	}
	return out
}

// Field is the condition's field.
func (c condition) Field() string { return c.field }

// Needs lists the other agreements the conditions refer to, sorted, each
// once: the agreements it must be run with.
func (a *Agreement) Needs() []string {
	var out []string
	for _, r := range a.Refs() {
		if r.Agreement != a.ID && !slices.Contains(out, r.Agreement) {
			out = append(out, r.Agreement)
		}
	}
	slices.Sort(out)
	return out
}

// name is how messages name the agreement: its file, else its id.
func (a *Agreement) name() string {
	if a.file != "" {
		return a.file
	}
	return "agreement " + a.ID
}

var idInField = regexp.MustCompile(` \([^)]*\)`)

// where places a field of the agreement: its file and line.
func (a *Agreement) where(field string) string {
	s := locate(a.lines, idInField.ReplaceAllString(field, "")+": ")
	if line, _, ok := strings.Cut(s, ": "); ok && strings.HasPrefix(line, "line ") {
		return a.name() + ": " + line + ": " + field
	}
	return a.name() + ": " + field
}

// File is an agreement file's name and content.
type File struct {
	Name string
	Data []byte
}

// ParseSet reads agreement files to run side by side as one set: each one's
// conditions may name the others' (AGREEMENT/NAME, agreement=ID,
// agreement(ID)). Every file is checked as Parse checks it, then the set
// as CheckSet does. One file is read as Parse reads it.
func ParseSet(files ...File) ([]*Agreement, error) {
	var as []*Agreement
	var errs []error
	for _, f := range files {
		a, err := decode(f.Name, f.Data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		as = append(as, a)
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	names := map[string]cond.Names{}
	for _, a := range as {
		if _, dup := names[a.ID]; !dup {
			names[a.ID] = a.Names()
		}
	}
	for i, a := range as {
		var others map[string]cond.Names
		if len(as) > 1 {
			others = map[string]cond.Names{}
			for id, n := range names {
				if id != a.ID {
					others[id] = n
				}
			}
		}
		if err := a.validate(files[i].Data, others); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	if err := CheckSet(as); err != nil {
		return nil, err
	}
	return as, nil
}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return &accord.Error{Code: accord.EINVALID, Err: errors.Join(errs...)}
}

// LoadSet reads agreement files and the geometry each names, as one set
// (ParseSet).
func LoadSet(paths ...string) ([]*Agreement, error) {
	return ReadSet(os.ReadFile, filepath.Join, paths...)
}

// ReadSet is LoadSet with the files read by read and the geometry's path
// joined to each file's directory by join (path.Join for an fs.FS).
func ReadSet(read func(string) ([]byte, error), join func(...string) string, paths ...string) ([]*Agreement, error) {
	files := make([]File, len(paths))
	for i, p := range paths {
		data, err := read(p)
		if err != nil {
			return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "agreement " + p, Err: err}
		}
		files[i] = File{p, data}
	}
	as, err := ParseSet(files...)
	if err != nil {
		return nil, err
	}
	for i, a := range as {
		if err := a.bindGeometry(read, join, paths[i]); err != nil {
			return nil, err
		}
	}
	return as, nil
}

// CheckSet checks agreements to run side by side: their ids differ (and
// have no '/'), every condition names only agreements of the set and what
// each of them has (with the column), and no agreements are in a cycle —
// A's condition reading B and B's reading A, or longer — since each
// agreement is settled after those it reads. The cycle is named with the
// file and field of each reference.
func CheckSet(as []*Agreement) error {
	var probs []string
	ids := map[string]*Agreement{}
	for _, a := range as {
		switch prev, dup := ids[a.ID]; {
		case a.ID == "":
			probs = append(probs, a.where("agreement")+": missing id")
		case dup:
			probs = append(probs, fmt.Sprintf("%s: %q is the id of %s too: the agreements of a set need different ids", a.where("agreement"), a.ID, prev.name()))
		default:
			ids[a.ID] = a
		}
		if strings.Contains(a.ID, "/") {
			probs = append(probs, fmt.Sprintf("%s: %q: the id of an agreement of a set may not contain '/' (conditions write AGREEMENT/NAME)", a.where("agreement"), a.ID))
		}
	}
	for _, a := range as {
		n := a.Names()
		n.Agreements = map[string]cond.Names{}
		for id, o := range ids {
			if id != a.ID {
				n.Agreements[id] = o.Names()
			}
		}
		for _, c := range a.conditions() {
			e, err := cond.Parse(c.src)
			if err == nil {
				err = cond.Check(e, n)
			}
			var cerr *cond.Error
			switch {
			case err == nil:
			case c.after && errors.As(err, &cerr):
				probs = append(probs, fmt.Sprintf("%s: %s", a.where(c.field), cerr.Msg))
			default:
				probs = append(probs, fmt.Sprintf("%s: %v", a.where(c.field), err))
			}
		}
	}
	if len(probs) == 0 {
		if cyc := cycle(as); cyc != nil {
			probs = append(probs, describeCycle(as, cyc))
		}
	}
	if len(probs) > 0 {
		return &accord.Error{Code: accord.EINVALID, Message: "the set of agreements", Err: errors.New(strings.Join(probs, "\n"))}
	}
	return nil
}

// deps are the agreements each agreement reads (indexes into as, in the
// order of its references, each once).
func deps(as []*Agreement) [][]int {
	index := map[string]int{}
	for i, a := range as {
		if _, dup := index[a.ID]; !dup {
			index[a.ID] = i
		}
	}
	out := make([][]int, len(as))
	for i, a := range as {
		for _, r := range a.Refs() {
			if j, ok := index[r.Agreement]; ok && !slices.Contains(out[i], j) {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// cycle finds a cycle between agreements: the path of indexes, its first
// one repeated at the end; nil if there is none.
func cycle(as []*Agreement) []int {
	d := deps(as)
	const (
		white = iota
		grey
		black
	)
	colour := make([]int, len(as))
	var stack []int
	var visit func(i int) []int
	visit = func(i int) []int {
		colour[i] = grey
		stack = append(stack, i)
		for _, j := range d[i] {
			switch colour[j] {
			case grey:
				k := slices.Index(stack, j)
				return append(slices.Clone(stack[k:]), j)
			case white:
				if c := visit(j); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		colour[i] = black
		return nil
	}
	for i := range as {
		if colour[i] == white {
			if c := visit(i); c != nil {
				return c
			}
		}
	}
	return nil
}

func describeCycle(as []*Agreement, cyc []int) string {
	ids := make([]string, len(cyc))
	for i, k := range cyc {
		ids[i] = as[k].ID
	}
	var refs []string
	for i := 0; i+1 < len(cyc); i++ {
		a, b := as[cyc[i]], as[cyc[i+1]]
		for _, r := range a.Refs() {
			if r.Agreement == b.ID {
				at := a.where(r.Field)
				if r.Col > 0 {
					at += fmt.Sprintf(", column %d,", r.Col)
				}
				refs = append(refs, fmt.Sprintf("%s reads %s", at, b.ID))
				break
			}
		}
	}
	what := "each must be settled after the other"
	if len(cyc) > 3 {
		what = "each must be settled after the one it reads"
	}
	return fmt.Sprintf("a cycle between agreements: %s (%s): %s, so none can be", strings.Join(ids, " -> "), strings.Join(refs, "; "), what)
}

// SetOrder is the order in which a set's agreements settle after each entry:
// every agreement after the agreements its conditions read, ties in the
// order given. Agreements in a cycle are an error (CheckSet names it).
func SetOrder(as []*Agreement) ([]int, error) {
	d := deps(as)
	done := make([]bool, len(as))
	out := make([]int, 0, len(as))
	for len(out) < len(as) {
		next := -1
		for i := range as {
			if !done[i] && !slices.ContainsFunc(d[i], func(j int) bool { return !done[j] && j != i }) {
				next = i
				break
			}
		}
		if next < 0 {
			return nil, &accord.Error{Code: accord.EINVALID, Message: "the set of agreements", Err: errors.New(describeCycle(as, cycle(as)))}
		}
		done[next] = true
		out = append(out, next)
	}
	return out, nil
}
