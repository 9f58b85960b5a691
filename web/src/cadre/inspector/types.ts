// The inspections API as this app reads it (src/oversight/inspect.cpp
// InspectionJson; src/http/openapi.json, schema Inspection).

export type VisitsAnswer = 'yes' | 'partly' | 'no' | 'none_logged';
export type SatisfactionAnswer = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

// The answers' order on the form is the API's enum order.
export const visitsAnswers: readonly VisitsAnswer[] = ['yes', 'partly', 'no', 'none_logged'];
export const satisfactionAnswers: readonly SatisfactionAnswer[] = ['satisfied', 'basically_satisfied', 'unsatisfied'];

/** GET /api/v1/inspections: one item (no checklist). */
export interface InspectionSummary {
  id: string;
  region: string;
  month: string;
  seed: string;
  villages_per_township: number;
  households_per_village: number;
  state: 'open' | 'closed';
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
}

/** One sampled household's row of the checklist. */
export interface CheckRow {
  household: string;
  /** As the registry names them now. */
  head_name: string;
  village: string;
  village_name: string;
  /** The household's contact cadre as drawn ('' when it had none), and its name. */
  cadre: string;
  cadre_name: string;
  checked: boolean;
  knows_cadre: boolean | null;
  visits: VisitsAnswer | null;
  satisfaction: SatisfactionAnswer | null;
  findings: string;
  /** The task made from the finding (its key), if one was. */
  task: string | null;
  checked_by: string;
  checked_at: string | null;
}

/** GET /api/v1/inspections/{id}: with the checklist the caller may see. */
export interface Inspection extends InspectionSummary {
  figures: { households: number; checked: number };
  checks: CheckRow[];
}
