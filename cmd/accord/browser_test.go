package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser finds Chromium; scripts/test installs it when absent.
func browser(t *testing.T) string {
	t.Helper()
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on this machine: run scripts/test, which installs Debian's chromium")
	return ""
}

// In a real headless Chromium: the live page draws the map (countries, the
// contact line and the zones), and incidents posted to the API appear on it
// as they are fused. A screenshot is kept in testdata/artifacts.
func TestDashboardInChromium(t *testing.T) {
	bin := browser(t)
	obs, _ := simulateTo(t, "--seed", "6", "--duration", "1h")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer stop()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(`#map .leaflet-overlay-pane svg`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#map path").length > 150`, chromedp.WithPollingTimeout(30*time.Second)),
	)
	if err != nil {
		t.Fatalf("the map did not draw: %v", err)
	}
	countries, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#map path:not(.incident)").length`))
	if err != nil {
		t.Fatal(err)
	}
	// Post the observations now: the page must pick the incidents up live.
	body, _ := os.ReadFile(obs)
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, resp)
	}
	resp.Body.Close()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll("path.incident").length >= 20`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("incidents did not appear on the map: %v", err)
	}
	shapes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("path.incident").length`))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#rows tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if rows != shapes {
		t.Errorf("%d incident rows but %d markers", rows, shapes)
	}
	dir := filepath.Join("testdata", "artifacts")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "dashboard.png"), shot, 0o644); err != nil {
		t.Error(err)
	}
	t.Logf("%d map shapes before the incidents, then %d incidents on the map; screenshot %s (%d bytes)", countries, shapes, filepath.Join(dir, "dashboard.png"), len(shot))
}
