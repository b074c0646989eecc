-- CRM benchmark data, run by bench/gen_crm against a database `kazi migrate` made: sales users,
-- leads with phones and e-mails, and deals, written straight into the tables in the form the
-- entity engine stores (see src/modules/crm/migrations/001_crm.sql). The caller creates the
-- temporary table gen_param(k, v) with 'leads', 'deals', 'users' and 'now' (Unix seconds) and
-- drops the CRM indexes before this runs (they are rebuilt after). Values come from a hash of
-- the row number, so every run writes the same data. Timeline rows are not written.

CREATE TEMP TABLE w_need (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_need (i, w) VALUES
    (0, 'Website redesign'), (1, 'CRM rollout'), (2, 'Office furniture'), (3, 'Laptop order'),
    (4, 'Cloud migration'), (5, 'Security audit'), (6, 'Solar installation'),
    (7, 'Fleet tracking'), (8, 'Payroll service'), (9, 'Catering contract'),
    (10, 'Staff training'), (11, 'Warehouse lease'), (12, 'Printer supplies'),
    (13, 'Mobile app'), (14, 'Network upgrade'), (15, 'Marketing campaign'),
    (16, 'Insurance quote'), (17, 'Consulting hours'), (18, 'Data backup'),
    (19, 'Translation services'), (20, 'Water dispensers'), (21, 'Generator maintenance'),
    (22, 'Delivery vans'), (23, 'Call centre outsourcing');
CREATE TEMP TABLE w_co1 (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_co1 (i, w) VALUES
    (0, 'Acme'), (1, 'Baobab'), (2, 'Kilima'), (3, 'Savanna'), (4, 'Zenith'), (5, 'Lakeside'),
    (6, 'Northwind'), (7, 'Umoja'), (8, 'Pioneer'), (9, 'Sunrise'), (10, 'Coastal'),
    (11, 'Highland'), (12, 'Metro'), (13, 'Bluewave'), (14, 'Greenfield'), (15, 'Ironclad'),
    (16, 'Jambo'), (17, 'Mara'), (18, 'Nile'), (19, 'Orbit'), (20, 'Pamoja'), (21, 'Rift'),
    (22, 'Serengeti'), (23, 'Tana'), (24, 'Victoria'), (25, 'Amani'), (26, 'Harambee'),
    (27, 'Kijani'), (28, 'Mwangaza'), (29, 'Nyota');
CREATE TEMP TABLE w_co2 (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_co2 (i, w) VALUES
    (0, 'Logistics'), (1, 'Traders'), (2, 'Holdings'), (3, 'Foods'), (4, 'Motors'),
    (5, 'Pharma'), (6, 'Textiles'), (7, 'Builders'), (8, 'Energy'), (9, 'Media'),
    (10, 'Hotels'), (11, 'Agro'), (12, 'Bank'), (13, 'Clinics'), (14, 'Schools');
CREATE TEMP TABLE w_first (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_first (i, w) VALUES
    (0, 'Amina'), (1, 'Brian'), (2, 'Chloe'), (3, 'David'), (4, 'Esther'), (5, 'Faith'),
    (6, 'George'), (7, 'Hassan'), (8, 'Irene'), (9, 'James'), (10, 'Kevin'), (11, 'Lucy'),
    (12, 'Mercy'), (13, 'Nadia'), (14, 'Otieno'), (15, 'Peter'), (16, 'Rose'), (17, 'Samuel'),
    (18, 'Tom'), (19, 'Wanjiru'), (20, 'Zawadi'), (21, 'Anna'), (22, 'Maria'), (23, 'John');
CREATE TEMP TABLE w_last (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_last (i, w) VALUES
    (0, 'Achieng'), (1, 'Baraka'), (2, 'Chebet'), (3, 'Davies'), (4, 'Edwards'),
    (5, 'Gathoni'), (6, 'Hussein'), (7, 'Kamau'), (8, 'Kariuki'), (9, 'Kiptoo'),
    (10, 'Mensah'), (11, 'Mwangi'), (12, 'Njoroge'), (13, 'Odhiambo'), (14, 'Okafor'),
    (15, 'Omondi'), (16, 'Patel'), (17, 'Rossi'), (18, 'Smith'), (19, 'Wafula'),
    (20, 'Wanjala'), (21, 'Silva'), (22, 'Nguyen'), (23, 'Schmidt'), (24, 'Mutua');
CREATE TEMP TABLE w_city (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_city (i, w) VALUES
    (0, 'Nairobi'), (1, 'Mombasa'), (2, 'Kisumu'), (3, 'Nakuru'), (4, 'Eldoret'),
    (5, 'Dar es Salaam'), (6, 'Arusha'), (7, 'Kampala'), (8, 'Kigali'), (9, 'Lagos'),
    (10, 'Accra'), (11, 'Johannesburg');
CREATE TEMP TABLE w_source (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_source (i, w) VALUES
    (0, 'CALL'), (1, 'EMAIL'), (2, 'WEB'), (3, 'ADVERTISING'), (4, 'PARTNER'),
    (5, 'RECOMMENDATION'), (6, 'TRADE_SHOW'), (7, 'WEBFORM'), (8, 'CALLBACK'), (9, 'OTHER');
-- lead statuses by weight out of 20: 6 NEW, 5 IN_PROCESS, 3 PROCESSED, 3 CONVERTED, 3 JUNK
CREATE TEMP TABLE w_lstatus (i INTEGER PRIMARY KEY, w TEXT NOT NULL, sem TEXT NOT NULL);
INSERT INTO w_lstatus (i, w, sem) VALUES
    (0, 'NEW', 'P'), (1, 'NEW', 'P'), (2, 'NEW', 'P'), (3, 'NEW', 'P'), (4, 'NEW', 'P'),
    (5, 'NEW', 'P'), (6, 'IN_PROCESS', 'P'), (7, 'IN_PROCESS', 'P'), (8, 'IN_PROCESS', 'P'),
    (9, 'IN_PROCESS', 'P'), (10, 'IN_PROCESS', 'P'), (11, 'PROCESSED', 'P'),
    (12, 'PROCESSED', 'P'), (13, 'PROCESSED', 'P'), (14, 'CONVERTED', 'S'),
    (15, 'CONVERTED', 'S'), (16, 'CONVERTED', 'S'), (17, 'JUNK', 'F'), (18, 'JUNK', 'F'),
    (19, 'JUNK', 'F');
-- deal stages of the default pipeline by weight out of 20
CREATE TEMP TABLE w_dstage (i INTEGER PRIMARY KEY, w TEXT NOT NULL, sem TEXT NOT NULL,
                            prob INTEGER NOT NULL);
INSERT INTO w_dstage (i, w, sem, prob) VALUES
    (0, 'NEW', 'P', 10), (1, 'NEW', 'P', 10), (2, 'NEW', 'P', 10), (3, 'NEW', 'P', 10),
    (4, 'PREPARATION', 'P', 20), (5, 'PREPARATION', 'P', 20), (6, 'PREPARATION', 'P', 20),
    (7, 'PREPAYMENT_INVOICE', 'P', 40), (8, 'PREPAYMENT_INVOICE', 'P', 40),
    (9, 'EXECUTING', 'P', 60), (10, 'EXECUTING', 'P', 60), (11, 'FINAL_INVOICE', 'P', 80),
    (12, 'WON', 'S', 100), (13, 'WON', 'S', 100), (14, 'WON', 'S', 100),
    (15, 'LOSE', 'F', 0), (16, 'LOSE', 'F', 0), (17, 'LOSE', 'F', 0), (18, 'APOLOGY', 'F', 0),
    (19, 'APOLOGY', 'F', 0);
CREATE TEMP TABLE w_dtype (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_dtype (i, w) VALUES (0, 'SALE'), (1, 'COMPLEX'), (2, 'GOODS'), (3, 'SERVICES'),
    (4, 'SERVICE');
CREATE TEMP TABLE w_cur (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO w_cur (i, w) VALUES (0, 'USD'), (1, 'USD'), (2, 'USD'), (3, 'USD'), (4, 'USD'),
    (5, 'KES'), (6, 'KES'), (7, 'EUR'), (8, 'EUR'), (9, 'GBP');

-- ---- sales users (no password: they cannot sign in) ----------------------------------------
INSERT INTO core_user (email, name, last_name, position, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT v FROM gen_param WHERE k = 'users'))
SELECT 'sales' || i || '@bench.example.com',
       (SELECT w FROM w_first WHERE i = n.i % 24), (SELECT w FROM w_last WHERE i = n.i % 25),
       'Sales manager', (SELECT v FROM gen_param WHERE k = 'now'),
       (SELECT v FROM gen_param WHERE k = 'now')
FROM n;
CREATE TEMP TABLE gen_user AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM core_user
    WHERE email LIKE 'sales%@bench.example.com';

-- ---- leads ------------------------------------------------------------------------------------
-- r1..r4: hashes of the row number (two multiplicative rounds, products below 2^63); t: creation time, rising with the id over
-- three years before 'now'.
CREATE TEMP TABLE gen_lead AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT v FROM gen_param WHERE k = 'leads')),
h AS (SELECT i,
             (i * 2654435761 + 1) % 4294967291 * 48271 % 2147483647 AS r1,
             (i * 2246822519 + 12345) % 4294967279 * 69621 % 2147483629 AS r2,
             (i * 3266489917 + 7) % 4294967231 * 16807 % 2147483587 AS r3,
             (i * 668265263 + 3) % 4294967197 * 39373 % 2147483563 AS r4
      FROM n)
SELECT i, r1, r2, r3, r4,
       (SELECT v FROM gen_param WHERE k = 'now') - 94608000
           + i * 94608000 / (SELECT v FROM gen_param WHERE k = 'leads') AS t
FROM h;

INSERT INTO crm_lead (id, title, name, last_name, company_title, source_id, status_id,
    status_semantic_id, post, address_city, currency_id, opportunity, is_manual_opportunity,
    opened, comments, has_phone, has_email, has_imol, assigned_by_id, created_by_id,
    modify_by_id, date_create, date_modify, moved_by_id, moved_time, company_id, contact_id,
    is_return_customer, date_closed, utm_source)
SELECT g.i,
       (SELECT w FROM w_need WHERE i = g.r1 % 24) || ' - ' ||
           (SELECT w FROM w_co1 WHERE i = g.r2 % 30) || ' ' ||
           (SELECT w FROM w_co2 WHERE i = g.r3 % 15),
       (SELECT w FROM w_first WHERE i = g.r4 % 24),
       (SELECT w FROM w_last WHERE i = g.r1 / 7 % 25),
       (SELECT w FROM w_co1 WHERE i = g.r2 % 30) || ' ' || (SELECT w FROM w_co2 WHERE i = g.r3 % 15),
       (SELECT w FROM w_source WHERE i = g.r2 / 11 % 10),
       s.w, s.sem,
       CASE g.r3 / 5 % 4 WHEN 0 THEN 'Director' WHEN 1 THEN 'Procurement' ELSE NULL END,
       (SELECT w FROM w_city WHERE i = g.r4 / 13 % 12),
       (SELECT w FROM w_cur WHERE i = g.r1 / 3 % 10),
       -- amounts from 10 to about 1,000,000, most between 1,000 and 100,000
       ROUND((g.r2 / 7 % 9990 + 10) *
             CASE g.r3 / 17 % 10 WHEN 0 THEN 1 WHEN 1 THEN 100 WHEN 2 THEN 100 ELSE 10 END, 0),
       'N', 'Y',
       CASE WHEN g.r4 % 10 = 0 THEN 'Called back, wants a proposal by Friday' ELSE NULL END,
       CASE WHEN g.r3 % 10 < 6 THEN 'Y' ELSE 'N' END,
       CASE WHEN g.r4 / 3 % 10 < 4 THEN 'Y' ELSE 'N' END,
       'N', u.id, u.id, u.id, g.t, g.t + g.r1 % 864000, u.id, g.t + g.r1 % 864000, 0, 0, 'N',
       CASE WHEN s.sem IN ('S', 'F') THEN g.t + g.r1 % 864000 ELSE NULL END,
       CASE g.r2 / 13 % 5 WHEN 0 THEN 'google' WHEN 1 THEN 'facebook' ELSE NULL END
FROM gen_lead g
JOIN w_lstatus s ON s.i = g.r4 / 7 % 20
JOIN gen_user u ON u.i = g.r1 / 5 % (SELECT COUNT(*) FROM gen_user);

-- phones of 60 % of the leads, e-mails of 40 % (has_phone / has_email above say the same)
INSERT INTO crm_fm (owner_type, owner_id, type_id, value_type, value, value_norm)
SELECT 1, g.i, 'PHONE', CASE g.r1 % 3 WHEN 0 THEN 'MOBILE' ELSE 'WORK' END,
       '+2547' || printf('%08d', g.r2 % 100000000), '2547' || printf('%08d', g.r2 % 100000000)
FROM gen_lead g WHERE g.r3 % 10 < 6;
INSERT INTO crm_fm (owner_type, owner_id, type_id, value_type, value, value_norm)
SELECT 1, l.id, 'EMAIL', 'WORK', lower(l.name) || '.' || lower(l.last_name) || l.id || '@example.com',
       lower(l.name) || '.' || lower(l.last_name) || l.id || '@example.com'
FROM gen_lead g JOIN crm_lead l ON l.id = g.i WHERE g.r4 / 3 % 10 < 4;
DROP TABLE gen_lead;

-- ---- deals ------------------------------------------------------------------------------------
CREATE TEMP TABLE gen_deal AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT v FROM gen_param WHERE k = 'deals')),
h AS (SELECT i,
             (i * 2654435761 + 99) % 4294967291 * 48271 % 2147483647 AS r1,
             (i * 2246822519 + 777) % 4294967279 * 69621 % 2147483629 AS r2,
             (i * 3266489917 + 55) % 4294967231 * 16807 % 2147483587 AS r3,
             (i * 668265263 + 9) % 4294967197 * 39373 % 2147483563 AS r4
      FROM n)
SELECT i, r1, r2, r3, r4,
       (SELECT v FROM gen_param WHERE k = 'now') - 94608000
           + i * 94608000 / (SELECT v FROM gen_param WHERE k = 'deals') AS t
FROM h;

INSERT INTO crm_deal (id, title, type_id, category_id, stage_id, stage_semantic_id, is_new,
    is_recurring, is_return_customer, is_repeated_approach, probability, currency_id,
    opportunity, is_manual_opportunity, tax_value, company_id, contact_id, quote_id, begindate,
    closedate, opened, closed, comments, assigned_by_id, created_by_id, modify_by_id,
    date_create, date_modify, moved_by_id, moved_time, source_id, lead_id)
SELECT g.i,
       (SELECT w FROM w_need WHERE i = g.r1 % 24) || ' for ' ||
           (SELECT w FROM w_co1 WHERE i = g.r2 % 30) || ' ' ||
           (SELECT w FROM w_co2 WHERE i = g.r3 % 15),
       (SELECT w FROM w_dtype WHERE i = g.r2 / 3 % 5), 0, s.w, s.sem,
       CASE WHEN s.w = 'NEW' THEN 'Y' ELSE 'N' END, 'N',
       CASE WHEN g.r3 % 7 = 0 THEN 'Y' ELSE 'N' END, 'N', s.prob,
       (SELECT w FROM w_cur WHERE i = g.r1 / 3 % 10),
       ROUND((g.r2 / 7 % 9990 + 10) *
             CASE g.r3 / 17 % 10 WHEN 0 THEN 1 WHEN 1 THEN 100 WHEN 2 THEN 100 ELSE 10 END, 0),
       'N', 0.0, 0, 0, 0,
       date(g.t, 'unixepoch'), date(g.t + 86400 * (7 + g.r4 % 84), 'unixepoch'), 'Y',
       CASE WHEN s.sem IN ('S', 'F') THEN 'Y' ELSE 'N' END,
       CASE WHEN g.r4 % 8 = 0 THEN 'Budget approved, waiting for the signed contract' ELSE NULL END,
       u.id, u.id, u.id, g.t, g.t + g.r1 % 1728000, u.id, g.t + g.r1 % 1728000,
       (SELECT w FROM w_source WHERE i = g.r2 / 11 % 10), 0
FROM gen_deal g
JOIN w_dstage s ON s.i = g.r4 / 7 % 20
JOIN gen_user u ON u.i = g.r1 / 5 % (SELECT COUNT(*) FROM gen_user);
DROP TABLE gen_deal;
