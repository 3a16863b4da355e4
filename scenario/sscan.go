package scenario

import "fmt"

// sscanLine pulls the line number out of a yaml.v3 error ("yaml: line 7: ...").
func sscanLine(msg string, line *int) (int, error) {
	return fmt.Sscanf(msg, "yaml: line %d:", line)
}
