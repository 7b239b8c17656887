/**
 * Quality management use-cases (docs/api-quality.md): scorecards, evaluations with blind double scoring, the
 * reviewer roster, sampling plans, calibration and disputes. HTTP routes and `callsight sample plan` reach them
 * only through this entry.
 */
import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { createScorecard } from './create-scorecard';
import { getDispute } from './get-dispute';
import { getEvaluation } from './get-evaluation';
import { getSamplePlan } from './get-sample-plan';
import { getScorecard } from './get-scorecard';
import { getScorecardVersion } from './get-scorecard-version';
import { listCallEvaluations } from './list-call-evaluations';
import { listDisputes } from './list-disputes';
import { listMyReviews } from './list-my-reviews';
import { listReviewers } from './list-reviewers';
import { listScorecards } from './list-scorecards';
import { openDispute } from './open-dispute';
import { planSample } from './plan-sample';
import { previewSamplePlan } from './preview-sample-plan';
import { reportCalibration } from './report-calibration';
import { resolveDispute } from './resolve-dispute';
import { reviseScorecard } from './revise-scorecard';
import { setReviewers } from './set-reviewers';
import { submitEvaluation } from './submit-evaluation';

/** Every quality use-case definition, keyed as routes and commands call them. */
export const qualityUseCases = {
  listScorecards,
  createScorecard,
  getScorecard,
  getScorecardVersion,
  reviseScorecard,
  submitEvaluation,
  listCallEvaluations,
  getEvaluation,
  listReviewers,
  setReviewers,
  planSample,
  previewSamplePlan,
  getSamplePlan,
  listMyReviews,
  reportCalibration,
  openDispute,
  listDisputes,
  getDispute,
  resolveDispute,
};

export type QualityUseCases = BoundUseCases<typeof qualityUseCases>;

/** Binds every quality use-case to the hub's ports (each takes only the methods it declares) and its audit trail. */
export function createQualityUseCases(ports: PortsOf<typeof qualityUseCases> & AuditDeps): QualityUseCases {
  return bindUseCases(qualityUseCases, ports);
}

export {
  createScorecard,
  getDispute,
  getEvaluation,
  getSamplePlan,
  getScorecard,
  getScorecardVersion,
  listCallEvaluations,
  listDisputes,
  listMyReviews,
  listReviewers,
  listScorecards,
  openDispute,
  planSample,
  previewSamplePlan,
  reportCalibration,
  resolveDispute,
  reviseScorecard,
  setReviewers,
  submitEvaluation,
};
export { DEFAULT_SCORECARD_ID } from '../../core/api/quality.api';
/** The admin editor's check of a scorecard revision before saving, bound by the admin capability (bin/wiring/admin.wiring.ts). */
export { checkScorecardRevision } from './check-scorecard-revision';
export type { QualityPorts } from './quality.ports';
export type { DraftedSamplePlan } from './sampling.planner';
export type { CallEvaluations } from './list-call-evaluations';
export type { ResolvedDispute } from './resolve-dispute';
export type { EvaluationView, PlanView, ScorecardSummary } from './quality.views';
