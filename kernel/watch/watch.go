package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gocsan/gocsan/kernel/metrics"
	"github.com/gocsan/gocsan/kernel/source"
	"github.com/gocsan/gocsan/kernel/symbolize"
	"github.com/gocsan/gocsan/report"
	"github.com/gocsan/gocsan/report/kernellog"
)

// Config wires a pipeline.
type Config struct {
	Source source.Source
	// Symbolizer, if set, symbolizes every shown report.
	Symbolizer *symbolize.Symbolizer
	// Text receives each shown report in KCSAN's text layout.
	Text io.Writer
	// JSON receives each shown report as a JSON line.
	JSON io.Writer
	// RateLimit suppresses a report whose pair of top frames was shown
	// within this window (KCSAN_REPORT_ONCE_IN_MS); 0 shows all.
	RateLimit time.Duration
	// Metrics, if set, counts lines, reports and losses.
	Metrics *metrics.Metrics
	// IdleFlush closes a report cut off by lost console lines after no
	// line of it arrived for this long (default 5 s).
	IdleFlush time.Duration
	// Diag receives parser skips and symbolization problems, one per
	// line; nil discards them.
	Diag io.Writer
	// OnReport is called with each shown report after it was written.
	OnReport func(*report.Report)
}

// Result sums up a run.
type Result struct {
	Lines      int
	Reports    int              // parsed
	Shown      int              // not rate limited
	Skips      int              // parser skips
	Unique     []*report.Report // shown reports, deduplicated (report.Dedup)
	Counts     []int            // times each Unique report was shown
	SymErrors  int
	LostRecord uint64
}

// Run reads the source until it ends (io.EOF) or ctx is cancelled, which
// closes the source. The error is nil in both cases.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.IdleFlush <= 0 {
		cfg.IdleFlush = 5 * time.Second
	}
	p := kernellog.NewParser(cfg.Source.Name())
	p.Now = time.Now
	rl := &report.RateLimiter{Window: cfg.RateLimit}
	res := &Result{}
	var shown []*report.Report

	type item struct {
		l   source.Line
		err error
	}
	lines := make(chan item, 256)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			l, err := cfg.Source.Read()
			select {
			case lines <- item{l, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	stop := context.AfterFunc(ctx, func() { cfg.Source.Close() })
	defer stop()

	handle := func(rs []*report.Report, ss []kernellog.Skip) error {
		res.Skips += len(ss)
		if cfg.Metrics != nil && len(ss) > 0 {
			cfg.Metrics.Skipped(len(ss))
		}
		for _, s := range ss {
			diag(cfg.Diag, "skip: %v", s)
		}
		for _, r := range rs {
			res.Reports++
			now := time.Now()
			ok := rl.Allow(r, now)
			if cfg.Metrics != nil {
				cfg.Metrics.Report(r, ok, now)
			}
			if !ok {
				continue
			}
			res.Shown++
			if cfg.Symbolizer != nil {
				errs := cfg.Symbolizer.Report(r)
				res.SymErrors += len(errs)
				if cfg.Metrics != nil && len(errs) > 0 {
					cfg.Metrics.SymbolizeErrors(len(errs))
				}
				for _, e := range errs {
					diag(cfg.Diag, "symbolize: %v", e)
				}
			}
			if cfg.Text != nil {
				if err := report.WriteText(cfg.Text, r); err != nil {
					return fmt.Errorf("writing text: %w", err)
				}
			}
			if cfg.JSON != nil {
				b, err := report.MarshalLine(r)
				if err != nil {
					return err
				}
				if _, err := cfg.JSON.Write(b); err != nil {
					return fmt.Errorf("writing JSON: %w", err)
				}
			}
			shown = append(shown, r)
			if cfg.OnReport != nil {
				cfg.OnReport(r)
			}
		}
		return nil
	}
	finish := func(err error) (*Result, error) {
		if err == nil {
			err = handle(p.Flush())
		}
		res.Unique, res.Counts = report.Dedup(shown)
		res.LostRecord = cfg.Source.Lost()
		return res, err
	}

	tick := time.NewTicker(cfg.IdleFlush / 2)
	defer tick.Stop()
	for {
		select {
		case it := <-lines:
			if it.err != nil {
				if errors.Is(it.err, io.EOF) || errors.Is(it.err, source.ErrClosed) {
					return finish(nil)
				}
				// The source failed: keep what was parsed.
				res, err := finish(nil)
				return res, errors.Join(err, fmt.Errorf("%s: %w", cfg.Source.Name(), it.err))
			}
			res.Lines++
			if cfg.Metrics != nil {
				cfg.Metrics.Line()
			}
			var rs []*report.Report
			var ss []kernellog.Skip
			if it.l.Prefixed {
				rs, ss = p.Line(it.l.Text)
			} else {
				rs, ss = p.Message(it.l.Key, it.l.Text)
			}
			if err := handle(rs, ss); err != nil {
				return finish(err)
			}
		case <-tick.C:
			if err := handle(p.FlushIdle(time.Now().Add(-cfg.IdleFlush))); err != nil {
				return finish(err)
			}
		}
	}
}

func diag(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, "gocsan kernel: "+format+"\n", args...)
	}
}
