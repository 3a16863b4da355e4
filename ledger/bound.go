package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Values a submission carries can be as long as a request allows; what the
// ledger says about them — a refusal's fields, its reason, the error —
// stays small.

// shown bounds a value quoted in a message.
const shown = 64

// prefix is the longest prefix of s of at most n bytes that does not split
// a UTF-8 character.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// short is s for a message: its first bytes and its length when it is long.
func short(s string) string {
	if len(s) <= shown {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", prefix(s, shown), len(s))
}

// quote is s quoted for a message, cut as short cuts it.
func quote(s string) string {
	if len(s) <= shown {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(prefix(s, shown)), len(s))
}

// refusal is the entry recording a refused submission: its author, id and
// type, each cut to MaxRefusedField bytes (the cut recorded with the full
// value's length and SHA-256), and the reason.
func refusal(s *Submission, reason string) Entry {
	e := Entry{Kind: KindRefusal, Reason: reason}
	bound := func(field, v string) string {
		if len(v) <= MaxRefusedField {
			// Invalid UTF-8 could not be stored as it is (see encodeRest).
			return strings.ToValidUTF8(v, "\uFFFD")
		}
		sum := sha256.Sum256([]byte(v))
		e.Cut = append(e.Cut, Cut{Field: field, Len: len(v), SHA256: hex.EncodeToString(sum[:])})
		// Invalid UTF-8 would be stored as U+FFFD, longer: replace it first.
		return prefix(strings.ToValidUTF8(prefix(v, MaxRefusedField), "\uFFFD"), MaxRefusedField)
	}
	e.Author = bound("author", s.Author)
	e.ID = bound("id", s.ID)
	e.Type = bound("type", s.Type)
	return e
}
