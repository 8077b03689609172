package racy

import "testing"

// Each racy function's test is expected to fail under gocsan with a
// report naming its two "race:" lines; each twin's test must pass.

func TestRacyLoopVar(t *testing.T) { sink = LoopVar() }

func TestSafeLoopVar(t *testing.T) { sink = LoopVarSafe() }

func TestRacyClosure(t *testing.T) { sink = Closure() }

func TestSafeClosure(t *testing.T) { sink = ClosureSafe() }

func TestRacyErr(t *testing.T) { sink = Err() }

func TestSafeErr(t *testing.T) { sink = ErrSafe() }

func TestRacyAppend(t *testing.T) { sink = Append() }

func TestSafeAppend(t *testing.T) { sink = AppendSafe() }

func TestRacySliceElem(t *testing.T) { sink = SliceElem() }

func TestSafeSliceElem(t *testing.T) { sink = SliceElemSafe() }

func TestRacyMap(t *testing.T) { sink = Map() }

func TestSafeMap(t *testing.T) { sink = MapSafe() }

func TestRacyField(t *testing.T) { sink = Field() }

func TestSafeField(t *testing.T) { sink = FieldSafe() }

func TestRacyMixedAtomic(t *testing.T) { sink = MixedAtomic() }

func TestSafeMixedAtomic(t *testing.T) { sink = MixedAtomicSafe() }

func TestRacyCopiedMutex(t *testing.T) { sink = CopiedMutex() }

func TestSafeCopiedMutex(t *testing.T) { sink = CopiedMutexSafe() }

func TestRacyRWMutex(t *testing.T) { sink = RWMutex() }

func TestSafeRWMutex(t *testing.T) { sink = RWMutexSafe() }

func TestRacyWaitGroup(t *testing.T) { sink = WaitGroup() }

func TestSafeWaitGroup(t *testing.T) { sink = WaitGroupSafe() }

func TestRacyPublish(t *testing.T) { sink = Publish() }

func TestSafePublish(t *testing.T) { sink = PublishSafe() }

func TestRacyGeneric(t *testing.T) { sink = Generic() }

func TestSafeGeneric(t *testing.T) { sink = GenericSafe() }

func TestRacyInterface(t *testing.T) { sink = Interface() }

func TestSafeInterface(t *testing.T) { sink = InterfaceSafe() }

func TestRacyString(t *testing.T) { sink = String() }

func TestSafeString(t *testing.T) { sink = StringSafe() }
