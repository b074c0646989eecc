-- Indexes for the common list shapes on large tables (measured with bench/gen_crm data:
-- 1,000,000 leads, 200,000 deals).
-- A deal list of one stage, newest first (filter STAGE_ID, order ID DESC): an index on the
-- stage alone keeps each stage's rows in id order, so the page is read backwards from the
-- index instead of sorting every deal of the stage. The stage id already names the pipeline
-- (C<n>:...), and crm_deal_category still serves filters on CATEGORY_ID and STAGE_ID together.
DROP INDEX crm_deal_stage;
CREATE INDEX crm_deal_stage_id ON crm_deal (stage_id);
-- Amount ranges with a title condition (">=OPPORTUNITY" with "%TITLE"): the title in the
-- amount index lets the count and the filter run on the index alone, without reading each
-- row in the range. It serves every use of the amount-only index it replaces.
DROP INDEX crm_lead_opportunity;
CREATE INDEX crm_lead_opportunity_title ON crm_lead (opportunity, title);
DROP INDEX crm_deal_opportunity;
CREATE INDEX crm_deal_opportunity_title ON crm_deal (opportunity, title);
