// Lock annotations that clang checks (-Wthread-safety; the top-level
// CMakeLists.txt turns it on, as an error, for every clang build, which CI's
// fuzz build is). Other compilers ignore them. As LevelDB's
// port/thread_annotations.h; see clang's "Thread Safety Analysis".
//
//   Mutex mu_;
//   int count_ GUARDED_BY(mu_);          // read or written only with mu_ held
//   void Bump() REQUIRES(mu_);           // callers hold mu_
//   void Flush() EXCLUDES(mu_);          // callers must not hold mu_
#pragma once

#if defined(__clang__)
#define CERTSHARE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CERTSHARE_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) CERTSHARE_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY CERTSHARE_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) CERTSHARE_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) CERTSHARE_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) CERTSHARE_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) CERTSHARE_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define REQUIRES(...) CERTSHARE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) CERTSHARE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) CERTSHARE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) CERTSHARE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) CERTSHARE_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) CERTSHARE_THREAD_ANNOTATION(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS CERTSHARE_THREAD_ANNOTATION(no_thread_safety_analysis)
