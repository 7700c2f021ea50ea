package queue

import "github.com/riverqueue/river"

// AddPeriodic schedules a durable periodic job: River's leader (one process among the replicas)
// enqueues it on schedule, so it runs once per period whatever the number of processes, and a
// run missed while every process was down happens at the next start (RunOnStart).
func (q *Queue) AddPeriodic(job *river.PeriodicJob) {
	q.client.PeriodicJobs().Add(job)
}
