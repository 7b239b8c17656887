/**
 * Coaching use-cases (docs/api-quality.md): tasks (assign, acknowledge, complete), follow-up review samples, the
 * before/after outcome and problem finding. HTTP routes reach them only through this entry.
 */
import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { acknowledgeCoachingTask } from './acknowledge-coaching-task';
import { assignCoachingTask } from './assign-coaching-task';
import { completeCoachingTask } from './complete-coaching-task';
import { findCoachingProblems } from './find-coaching-problems';
import { getCoachingOutcome } from './get-coaching-outcome';
import { getCoachingTask } from './get-coaching-task';
import { listCoachingTasks } from './list-coaching-tasks';
import { planFollowUp } from './plan-follow-up';

/** Every coaching use-case definition, keyed as routes call them. */
export const coachingUseCases = {
  assignCoachingTask,
  listCoachingTasks,
  getCoachingTask,
  acknowledgeCoachingTask,
  completeCoachingTask,
  planFollowUp,
  getCoachingOutcome,
  findCoachingProblems,
};

export type CoachingUseCases = BoundUseCases<typeof coachingUseCases>;

/** Binds every coaching use-case to the hub's ports and its audit trail. */
export function createCoachingUseCases(ports: PortsOf<typeof coachingUseCases> & AuditDeps): CoachingUseCases {
  return bindUseCases(coachingUseCases, ports);
}

export { acknowledgeCoachingTask, assignCoachingTask, completeCoachingTask, findCoachingProblems, getCoachingOutcome, getCoachingTask, listCoachingTasks, planFollowUp };
export type { CoachingOutcomeView } from './get-coaching-outcome';
export type { CoachingProblems } from './find-coaching-problems';
