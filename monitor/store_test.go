package monitor_test

import (
	"testing"

	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

func TestMemStore(t *testing.T) {
	monitortest.RunObservationStoreTests(t, func(t *testing.T) monitor.ObservationStore { return monitor.NewMemStore() })
}

func TestMemIncidentStore(t *testing.T) {
	monitortest.RunIncidentStoreTests(t, func(t *testing.T) monitor.IncidentStore { return monitor.NewMemIncidentStore() })
}
