package sector

// WorkerMemory is how many local incidents and observations of open
// incidents a worker remembers (tests).
func WorkerMemory(w *Worker) (locals, seen int) { return len(w.locals), len(w.seen) }
