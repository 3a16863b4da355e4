package stream

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is a JetStream cluster of N NATS servers run in this process on
// loopback, each with its own store directory and its own client, route
// and leaf node ports, for the tests of any package and for the growth
// benchmark (bench/streambench). A node can be killed and restarted on the
// same directory and ports, as a machine that goes down and comes back.
//
// Fill the exported fields (NewCluster sets the defaults), then Open, and
// Close when done. With one node there is no cluster: a single JetStream
// server (what `serve --stream embedded` runs).
type Cluster struct {
	// Name is the cluster's name (routes only join servers of one name).
	Name string
	// Dir holds one store directory per node: Dir/n0, Dir/n1, ...
	Dir string
	// Nodes is the number of servers.
	Nodes int
	// Domain is the cluster's JetStream domain ("" for none); a regional
	// node (Region) has its own, distinct one.
	Domain string
	// Ready bounds how long Open and Restart wait for a node to serve
	// clients and for the cluster to elect its meta leader.
	Ready time.Duration

	mu    sync.Mutex
	nodes []*clusterNode
	// routes[i][j] is the link node i's route to node j goes through
	// (nil for i == j): Crash cuts a node's links.
	routes [][]*link
}

type clusterNode struct {
	opts *server.Options
	srv  *server.Server // nil while killed
}

// NewCluster returns a cluster of n nodes storing under dir, with the
// defaults filled; call Open to start it.
func NewCluster(dir string, n int) *Cluster {
	return &Cluster{Name: "accord", Dir: dir, Nodes: n, Ready: 30 * time.Second}
}

// Open picks free loopback ports, starts every node and waits until the
// cluster has a JetStream meta leader that every node follows.
func (c *Cluster) Open() error {
	if c.Nodes < 1 {
		return fmt.Errorf("stream cluster %q: %d nodes, need at least 1", c.Name, c.Nodes)
	}
	// Three ports per node (client, routes, leaf nodes), one per link,
	// reserved together so that no two coincide.
	ports, err := freePorts(3*c.Nodes + c.Nodes*(c.Nodes-1))
	if err != nil {
		return fmt.Errorf("stream cluster %q: %w", c.Name, err)
	}
	// Every route goes through a link of its own (i to j), so that a
	// node's crash can be played by cutting its links: then nothing it
	// says on its way out (a clean stop hands its leaderships over)
	// reaches the others.
	c.routes = make([][]*link, c.Nodes)
	linkPorts := ports[3*c.Nodes:]
	for i := range c.routes {
		c.routes[i] = make([]*link, c.Nodes)
		for j := range c.routes[i] {
			if i == j || c.Nodes == 1 {
				continue
			}
			if c.routes[i][j], err = listenLink(linkPorts[0], "127.0.0.1:"+strconv.Itoa(ports[3*j+1])); err != nil {
				c.Close()
				return fmt.Errorf("stream cluster %q: route %d to %d: %w", c.Name, i, j, err)
			}
			linkPorts = linkPorts[1:]
		}
	}
	c.nodes = make([]*clusterNode, c.Nodes)
	for i := range c.nodes {
		o := &server.Options{
			ServerName:      fmt.Sprintf("%s-n%d", c.Name, i),
			Host:            "127.0.0.1",
			Port:            ports[3*i],
			NoLog:           true,
			NoSigs:          true,
			JetStream:       true,
			JetStreamDomain: c.Domain,
			StoreDir:        filepath.Join(c.Dir, "n"+strconv.Itoa(i)),
			MaxPayload:      8 << 20,
		}
		o.LeafNode.Host = "127.0.0.1"
		o.LeafNode.Port = ports[3*i+2]
		// A regional node connects to the leaf URLs it is given, not
		// to others the cluster would advertise (behind a proxy or a
		// NAT those are not its way in).
		o.LeafNode.NoAdvertise = true
		if c.Nodes > 1 {
			o.Cluster.Name = c.Name
			o.Cluster.Host = "127.0.0.1"
			o.Cluster.Port = ports[3*i+1]
			// The routes are configured, all through links: a route
			// implied by gossip would bypass them, so none is (the
			// advertised address refuses, and an implicit route is
			// not retried).
			o.Cluster.Advertise = "127.0.0.1:1"
			for j, l := range c.routes[i] {
				if j != i {
					o.Routes = append(o.Routes, &url.URL{Scheme: "nats-route", Host: l.Addr()})
				}
			}
		}
		if err := os.MkdirAll(o.StoreDir, 0o755); err != nil {
			c.Close()
			return fmt.Errorf("stream cluster %q node %d: store %s: %w", c.Name, i, o.StoreDir, err)
		}
		c.nodes[i] = &clusterNode{opts: o}
	}
	for i := range c.nodes {
		if err := c.start(i); err != nil {
			c.Close()
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Ready)
	defer cancel()
	if err := c.WaitLeader(ctx); err != nil {
		c.Close()
		return err
	}
	return nil
}

// start runs node i on its options (a copy: the server keeps and alters
// the one it is given).
func (c *Cluster) start(i int) error {
	n := c.nodes[i]
	s, err := server.NewServer(n.opts.Clone())
	if err != nil {
		return fmt.Errorf("stream cluster %q node %d (%s): %w", c.Name, i, n.opts.StoreDir, err)
	}
	s.Start()
	if !s.ReadyForConnections(c.Ready) {
		s.Shutdown()
		return fmt.Errorf("stream cluster %q node %d: not serving on 127.0.0.1:%d (routes %d, leaf nodes %d) after %s: a port taken?",
			c.Name, i, n.opts.Port, n.opts.Cluster.Port, n.opts.LeafNode.Port, c.Ready)
	}
	c.mu.Lock()
	n.srv = s
	c.mu.Unlock()
	return nil
}

// WaitLeader waits until a JetStream meta leader is elected and every
// running node is current with it.
func (c *Cluster) WaitLeader(ctx context.Context) error {
	for {
		leader, current, running := false, 0, 0
		for _, s := range c.running() {
			running++
			if !s.JetStreamEnabled() {
				continue
			}
			if c.Nodes == 1 {
				leader = true
				current++
				continue
			}
			if s.JetStreamIsLeader() {
				leader = true
			}
			if s.JetStreamIsCurrent() {
				current++
			}
		}
		if leader && current == running {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("stream cluster %q: no JetStream meta leader followed by all %d running nodes (%d current): %w", c.Name, running, current, ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// running lists the servers that are up.
func (c *Cluster) running() []*server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*server.Server
	for _, n := range c.nodes {
		if n != nil && n.srv != nil {
			out = append(out, n.srv)
		}
	}
	return out
}

// Kill shuts node i down (its store stays on disk), as a machine that
// goes down: clients connected to it reconnect to another node.
func (c *Cluster) Kill(i int) {
	c.mu.Lock()
	s := c.nodes[i].srv
	c.nodes[i].srv = nil
	c.mu.Unlock()
	if s != nil {
		s.Shutdown()
		s.WaitForShutdown()
	}
}

// Crash plays node i's crash: its routes to the other nodes are cut
// first, then it is shut down, so that the others see it vanish without
// the leaderships a clean stop hands over. Restart brings it back.
func (c *Cluster) Crash(i int) {
	for j := range c.routes[i] {
		if j != i && c.routes[i][j] != nil {
			c.routes[i][j].Cut()
			c.routes[j][i].Cut()
		}
	}
	c.Kill(i)
}

// Restart starts node i again on the same directory and ports, and waits
// until it serves clients and follows the meta leader.
func (c *Cluster) Restart(i int) error {
	c.mu.Lock()
	up := c.nodes[i].srv != nil
	c.mu.Unlock()
	if up {
		return fmt.Errorf("stream cluster %q node %d: restart while running", c.Name, i)
	}
	for j := range c.routes[i] {
		if j != i && c.routes[i][j] != nil {
			c.routes[i][j].Restore()
			c.routes[j][i].Restore()
		}
	}
	if err := c.start(i); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Ready)
	defer cancel()
	return c.WaitLeader(ctx)
}

// Server is node i's server, nil while it is killed.
func (c *Cluster) Server(i int) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[i].srv
}

// URL is node i's client URL.
func (c *Cluster) URL(i int) string {
	return "nats://127.0.0.1:" + strconv.Itoa(c.nodes[i].opts.Port)
}

// URLs is every node's client URL, comma separated, as nats.Connect and
// `serve --stream` take them.
func (c *Cluster) URLs() string {
	urls := make([]string, len(c.nodes))
	for i := range c.nodes {
		urls[i] = c.URL(i)
	}
	return strings.Join(urls, ",")
}

// LeafURLs are the nodes' leaf node URLs, where a regional node connects.
func (c *Cluster) LeafURLs() []*url.URL {
	out := make([]*url.URL, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = &url.URL{Scheme: "nats-leaf", Host: "127.0.0.1:" + strconv.Itoa(n.opts.LeafNode.Port)}
	}
	return out
}

// StreamLeader is the index of the node leading stream name's replicas
// (account $G), or -1 when none does (no leader elected, or it is down).
func (c *Cluster) StreamLeader(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, n := range c.nodes {
		if n.srv == nil {
			continue
		}
		if c.Nodes == 1 || n.srv.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, name) {
			return i
		}
	}
	return -1
}

// Close shuts every running node down; the store directories stay.
func (c *Cluster) Close() {
	for i := range c.nodes {
		if c.nodes[i] != nil {
			c.Kill(i)
		}
	}
	for _, row := range c.routes {
		for _, l := range row {
			if l != nil {
				l.Close()
			}
		}
	}
}

// freePorts reserves n distinct free loopback TCP ports, below the
// kernel's ephemeral range: a node binds them at once, and again after a
// restart, and meanwhile no outgoing connection may take one as its
// local port (they take theirs from the ephemeral range).
func freePorts(n int) ([]int, error) {
	lo, hi := 10000, ephemeralLow()
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries > 1000 {
			return nil, fmt.Errorf("no %d free loopback ports between %d and %d", n, lo, hi)
		}
		p := lo + rand.IntN(hi-lo)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ls = append(ls, l)
		ports = append(ports, p)
	}
	return ports, nil
}

// ephemeralLow is the low end of the kernel's ephemeral port range
// (Linux: /proc/sys/net/ipv4/ip_local_port_range), 32768 when unknown.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if p, err := strconv.Atoi(f[0]); err == nil && p > 11000 {
				return p
			}
		}
	}
	return 32768
}

// link is a TCP proxy standing for a network link that can be cut: while
// cut, its connections are closed and new ones refused at once.
type link struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]struct{}
}

// newLink proxies a free loopback port (below the ephemeral range) to
// target (host:port).
func newLink(target string) (*link, error) {
	ports, err := freePorts(1)
	if err != nil {
		return nil, fmt.Errorf("link to %s: %w", target, err)
	}
	return listenLink(ports[0], target)
}

// listenLink proxies loopback port port to target.
func listenLink(port int, target string) (*link, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return nil, fmt.Errorf("link to %s: %w", target, err)
	}
	l := &link{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go l.serve()
	return l, nil
}

// Addr is the link's end to dial (host:port).
func (l *link) Addr() string { return l.ln.Addr().String() }

func (l *link) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", l.target)
		l.mu.Lock()
		if l.cut || err != nil {
			l.mu.Unlock()
			c.Close()
			if up != nil {
				up.Close()
			}
			continue
		}
		l.conns[c], l.conns[up] = struct{}{}, struct{}{}
		l.mu.Unlock()
		go l.pipe(up, c)
		go l.pipe(c, up)
	}
}

func (l *link) pipe(dst, src net.Conn) {
	io.Copy(dst, src)
	dst.Close()
	src.Close()
	l.mu.Lock()
	delete(l.conns, dst)
	delete(l.conns, src)
	l.mu.Unlock()
}

// Cut closes the link's connections and refuses new ones.
func (l *link) Cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut = true
	for c := range l.conns {
		c.Close()
	}
	clear(l.conns)
}

// Restore lets connections through again.
func (l *link) Restore() {
	l.mu.Lock()
	l.cut = false
	l.mu.Unlock()
}

// Close cuts the link for good.
func (l *link) Close() {
	l.ln.Close()
	l.Cut()
}
