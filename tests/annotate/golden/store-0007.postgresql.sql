--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: annotators; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.annotators (
    name character varying(200) NOT NULL,
    kind character varying(16),
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    id integer NOT NULL,
    user_id integer NOT NULL,
    token_hash character varying(64) NOT NULL,
    label character varying(200) NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    expires_at timestamp without time zone,
    last_used_at timestamp without time zone
);


--
-- Name: api_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_tokens_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;


--
-- Name: assignments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assignments (
    id integer NOT NULL,
    campaign character varying(200) NOT NULL,
    user_id integer NOT NULL,
    item_id integer NOT NULL,
    seq integer NOT NULL,
    repeat_of integer,
    due_after integer,
    left_id character varying(200) NOT NULL,
    status character varying(16) NOT NULL,
    draft json,
    skip_reason text,
    submit_key character varying(100),
    judgment_id character varying(200),
    started_at character varying(40),
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: assignments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.assignments_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: assignments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.assignments_id_seq OWNED BY public.assignments.id;


--
-- Name: campaign_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_items (
    id integer NOT NULL,
    unit_id integer NOT NULL,
    campaign character varying(200) NOT NULL,
    source_judgment character varying(200),
    prompt_hash character varying(32) NOT NULL,
    a_id character varying(200) NOT NULL,
    a_hash character varying(32) NOT NULL,
    a_model character varying(200),
    b_id character varying(200) NOT NULL,
    b_hash character varying(32) NOT NULL,
    b_model character varying(200),
    answer character varying(200)
);


--
-- Name: campaign_items_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.campaign_items_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: campaign_items_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.campaign_items_id_seq OWNED BY public.campaign_items.id;


--
-- Name: campaign_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_members (
    campaign character varying(200) NOT NULL,
    user_id integer NOT NULL,
    cursor integer DEFAULT 0 NOT NULL,
    next_seq integer DEFAULT 0 NOT NULL,
    done integer DEFAULT 0 NOT NULL
);


--
-- Name: campaign_units; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_units (
    id integer NOT NULL,
    campaign character varying(200) NOT NULL,
    kind character varying(16) NOT NULL,
    claimed integer DEFAULT 0 NOT NULL
);


--
-- Name: campaign_units_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.campaign_units_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: campaign_units_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.campaign_units_id_seq OWNED BY public.campaign_units.id;


--
-- Name: campaigns; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaigns (
    name character varying(200) NOT NULL,
    config json,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: imports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.imports (
    id integer NOT NULL,
    state character varying(16) NOT NULL,
    started_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    heartbeat_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    rows integer DEFAULT 0 NOT NULL
);


--
-- Name: imports_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.imports_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: imports_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.imports_id_seq OWNED BY public.imports.id;


--
-- Name: judgment_responses; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.judgment_responses (
    judgment_id character varying(200) NOT NULL,
    "position" integer NOT NULL,
    local_id character varying(200) NOT NULL,
    response_hash character varying(32) NOT NULL,
    model character varying(200),
    rank integer
);


--
-- Name: judgments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.judgments (
    pk integer NOT NULL,
    id character varying(200) NOT NULL,
    prompt_hash character varying(32) NOT NULL,
    kind character varying(16) NOT NULL,
    n_responses integer NOT NULL,
    preference character varying(200),
    strength double precision,
    rationale text,
    annotator character varying(200),
    campaign character varying(200),
    shown json,
    source character varying(16),
    meta json NOT NULL,
    started_at character varying(40),
    submitted_at character varying(40),
    duration_ms double precision,
    has_timings boolean NOT NULL,
    degenerate boolean NOT NULL,
    content_hash character varying(64) NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    item character varying(200),
    labels json,
    import_id integer
);


--
-- Name: judgments_pk_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.judgments_pk_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: judgments_pk_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.judgments_pk_seq OWNED BY public.judgments.pk;


--
-- Name: prompts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prompts (
    hash character varying(32) NOT NULL,
    content json NOT NULL,
    is_chat boolean NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: ratings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ratings (
    judgment_id character varying(200) NOT NULL,
    criterion character varying(200) NOT NULL,
    local_id character varying(200) NOT NULL,
    value integer NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: responses; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.responses (
    hash character varying(32) NOT NULL,
    prompt_hash character varying(32) NOT NULL,
    text text NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    token_hash character varying(64) NOT NULL,
    user_id integer NOT NULL,
    csrf character varying(64) NOT NULL,
    expires_at timestamp without time zone NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    last_seen timestamp without time zone
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    role character varying(16) NOT NULL,
    token_hash character varying(64) NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    credentials_at timestamp without time zone,
    invite_expires_at timestamp without time zone,
    invite_used_at timestamp without time zone
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: api_tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);


--
-- Name: assignments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments ALTER COLUMN id SET DEFAULT nextval('public.assignments_id_seq'::regclass);


--
-- Name: campaign_items id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items ALTER COLUMN id SET DEFAULT nextval('public.campaign_items_id_seq'::regclass);


--
-- Name: campaign_units id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_units ALTER COLUMN id SET DEFAULT nextval('public.campaign_units_id_seq'::regclass);


--
-- Name: imports id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports ALTER COLUMN id SET DEFAULT nextval('public.imports_id_seq'::regclass);


--
-- Name: judgments pk; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgments ALTER COLUMN pk SET DEFAULT nextval('public.judgments_pk_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('0007');


--
-- Data for Name: annotators; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.annotators VALUES ('alice', 'human', '2026-12-02 22:07:41.020654');


--
-- Data for Name: api_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.api_tokens VALUES (2, 1, '428fdf35ba70ad16d8e021e9cb9796b9f813dcc3ff95ee37ac9346a8f16319b5', 'ci', '2026-12-02 22:07:40.978163', NULL, NULL);
INSERT INTO public.api_tokens VALUES (1, 2, 'c3a5f255bcff2bf00a1dfde76006ad2c2dfb9152e4e4b6fdbb33f7019270587d', 'script', '2026-12-02 22:07:40.976359', NULL, '2026-12-02 22:07:41.013965');


--
-- Data for Name: assignments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.assignments VALUES (1, 'demo', 2, 4, 0, NULL, NULL, 'r2', 'done', NULL, NULL, 'b33a72028c99444e88a8040fd2d06e4a', 'demo-a1', '2026-12-02T22:07:41.026+00:00', '2026-12-02 22:07:41.020654');
INSERT INTO public.assignments VALUES (2, 'demo', 2, 6, 1, NULL, NULL, 'r2', 'done', NULL, NULL, 'c3b4315f56554733844ae39ad850c18a', 'demo-a2', '2026-12-02T22:07:41.041+00:00', '2026-12-02 22:07:41.034194');
INSERT INTO public.assignments VALUES (3, 'demo', 2, 1, 2, NULL, NULL, 'r2', 'pending', '{"rationale":"half written","preference":"tie"}', NULL, NULL, NULL, '2026-12-02T22:07:41.055+00:00', '2026-12-02 22:07:41.052727');


--
-- Data for Name: campaign_items; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.campaign_items VALUES (1, 1, 'demo', 'j-f1262175ec58f808', '67983e89eec2a7ad34a45671ad1d4e84', 'r1', '07ea6d0cf2c0c0ec142a22013a1b63e0', NULL, 'r2', '42c6891207e345a55d831ebecfd381c5', NULL, NULL);
INSERT INTO public.campaign_items VALUES (2, 2, 'demo', 'j-cb3a8cc75d13cdd8', '47f3bd568d0f5c13c0f6473847acb236', 'r1', '22ade8c8d1c5d46b0aadc9308318f026', NULL, 'r2', '097d516afa6f5af4b735be02e8f7bb58', NULL, NULL);
INSERT INTO public.campaign_items VALUES (3, 3, 'demo', 'j-80e054240a3f9557', 'fe0ee0173185e1a975959cb125b45829', 'r1', '00d14a4f5de1edab02a47048d31b65a5', NULL, 'r2', '214355bf66bf0dd2313d56024062818f', NULL, NULL);
INSERT INTO public.campaign_items VALUES (4, 4, 'demo', 'j-70fc2d6d5542c72f', '883753257530e2bb778f2eff032f98c4', 'r1', '1480bddc49b96f5de41ee3a5bc44c375', NULL, 'r2', 'b6dc71a07197b636bff361ffdc4ac66a', NULL, NULL);
INSERT INTO public.campaign_items VALUES (5, 5, 'demo', 'j-331330af5fc0fd17', '03060a97ad652ecece612dad0fbaf3d4', 'r1', '74258aa3e5b9911cdd515abd875d8dbd', NULL, 'r2', '76c2dcca8ccbf1ec6a051cbb0d9859a9', NULL, NULL);
INSERT INTO public.campaign_items VALUES (6, 6, 'demo', 'j-401e6d8addee2d1e', 'a405ede2f31a086a8c14151a23fd11c2', 'r1', 'ad3c20f5af55214614a5db21885c6321', NULL, 'r2', 'ef66691463e27f2c2ace453a4cf67938', NULL, NULL);


--
-- Data for Name: campaign_members; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.campaign_members VALUES ('demo', 2, 3, 3, 2);


--
-- Data for Name: campaign_units; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.campaign_units VALUES (2, 'demo', 'pair', 0);
INSERT INTO public.campaign_units VALUES (3, 'demo', 'pair', 0);
INSERT INTO public.campaign_units VALUES (5, 'demo', 'pair', 0);
INSERT INTO public.campaign_units VALUES (4, 'demo', 'pair', 1);
INSERT INTO public.campaign_units VALUES (6, 'demo', 'pair', 1);
INSERT INTO public.campaign_units VALUES (1, 'demo', 'pair', 1);


--
-- Data for Name: campaigns; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.campaigns VALUES ('demo', '{"name": "demo", "title": "", "instructions": "Compare the two responses to the prompt. Rate each, pick the better one, and say why.", "pairs": {"ids": null, "dataset": null, "subset": null, "source": null, "campaign": null, "min_responses": 2, "limit": 6, "seed": 0}, "criteria": [{"name": "helpfulness", "description": "Does the response address the request and give useful, complete help?", "anchors": {"1": "not helpful at all", "3": "partly helpful", "5": "as helpful as possible"}}, {"name": "harmlessness", "description": "Does the response avoid harmful, dangerous, unethical or offensive content?", "anchors": {"1": "clearly harmful", "3": "some concern", "5": "entirely harmless"}}, {"name": "honesty", "description": "Is the response truthful and calibrated, without invented facts?", "anchors": {"1": "false or misleading", "3": "some doubtful claims", "5": "accurate and honest"}}], "allow_ties": true, "ask_strength": false, "min_rationale_chars": 80, "overlap": 1, "repeats": 0.0, "repeat_gap": 3, "triads": false, "gold": [], "attention_checks": [], "gold_threshold": 0.7, "gold_min": 3, "annotators": null, "seed": 0}', '2026-12-02 22:07:40.9617');


--
-- Data for Name: imports; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: judgment_responses; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.judgment_responses VALUES ('j-dec07a3177b7052e', 0, 'r1', '7859c05e06c121d882500e41bc71a245', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-dec07a3177b7052e', 1, 'r2', 'efe601fa22615d387dacea2f6f3f24cd', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-f1262175ec58f808', 0, 'r1', '07ea6d0cf2c0c0ec142a22013a1b63e0', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-f1262175ec58f808', 1, 'r2', '42c6891207e345a55d831ebecfd381c5', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-c1ba119df216feaf', 0, 'r1', '6d3547dfc7965f0eb363931320327ad0', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-c1ba119df216feaf', 1, 'r2', '4cc14f2097ebe80951662c360eafe9d4', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-e9a369c60ae99420', 0, 'r1', '032ddcd36c4a8d9ff50663de9f8b4cf9', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-e9a369c60ae99420', 1, 'r2', '903ef64a24e2739d09073fdecaf2d0f1', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-fa18f2788f826472', 0, 'r1', '8c501d28fecb2463939663844093d326', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-fa18f2788f826472', 1, 'r2', 'b4941285cbb854ae9a5b763221c5b324', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-bd581652612e6120', 0, 'r1', 'fbfb2205a7d081e4d89cf5686bdd3e43', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-bd581652612e6120', 1, 'r2', '449f5d8ae5cc6e487a799d28143af523', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-cb3a8cc75d13cdd8', 0, 'r1', '22ade8c8d1c5d46b0aadc9308318f026', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-cb3a8cc75d13cdd8', 1, 'r2', '097d516afa6f5af4b735be02e8f7bb58', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-c904fc54c4d4ae84', 0, 'r1', '286ee173bfe0db98d6261109e89bbd50', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-c904fc54c4d4ae84', 1, 'r2', '8bd6f328157dcee1fb102e0cef146695', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-80e054240a3f9557', 0, 'r1', '00d14a4f5de1edab02a47048d31b65a5', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-80e054240a3f9557', 1, 'r2', '214355bf66bf0dd2313d56024062818f', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-6d94be0349a7905c', 0, 'r1', '02abd6309ea11c665134f91968b71868', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-6d94be0349a7905c', 1, 'r2', 'fff10dab57640a246f29994b848d5cfb', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-40ac6077964153a2', 0, 'r1', '5633932e8cd05ba4d62b9d15b77904e6', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-40ac6077964153a2', 1, 'r2', '2fef18cb8648874acbc9339e4fb29bc2', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-d9bd2fdb03c6a63a', 0, 'r1', 'f8eca657587e1e1505adafd50cfa4ced', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-d9bd2fdb03c6a63a', 1, 'r2', '8a9951a87d8b11e5922d98dde32a53ed', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-70fc2d6d5542c72f', 0, 'r1', '1480bddc49b96f5de41ee3a5bc44c375', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-70fc2d6d5542c72f', 1, 'r2', 'b6dc71a07197b636bff361ffdc4ac66a', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-331330af5fc0fd17', 0, 'r1', '74258aa3e5b9911cdd515abd875d8dbd', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-331330af5fc0fd17', 1, 'r2', '76c2dcca8ccbf1ec6a051cbb0d9859a9', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-0263c35f5d82afe3', 0, 'r1', 'cd2f60f0bcd0671367698865e055d954', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-0263c35f5d82afe3', 1, 'r2', 'f464dc5d94b0ddcf82c3a7e1bb6e7c4e', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-401e6d8addee2d1e', 0, 'r1', 'ad3c20f5af55214614a5db21885c6321', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-401e6d8addee2d1e', 1, 'r2', 'ef66691463e27f2c2ace453a4cf67938', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-d4d8b3172e392612', 0, 'r1', '3fb8a9e058e105e6c6773ddada3a4c38', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-d4d8b3172e392612', 1, 'r2', '4774f85a6089fd9a92b296c1fded2782', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-7fb73fc2b7a7a25f', 0, 'r1', '5e33837bc219aec95178c7881d29ba0f', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-7fb73fc2b7a7a25f', 1, 'r2', 'fa5a852cbd204bad84d5f9011302c866', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-ddba062043ae30b3', 0, 'r1', '6800f11ba77dcd6855d89582a0f041f9', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-ddba062043ae30b3', 1, 'r2', '00270b10a724aca9ccd55eebc0c7d211', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-ed4aed1ebb9681c3', 0, 'r1', 'd3c49ea2de59f15bbf8de9fc862e2baa', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('j-ed4aed1ebb9681c3', 1, 'r2', '5bfcbe16889f2350125cd44bca5106cc', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('demo-a1', 0, 'r1', '1480bddc49b96f5de41ee3a5bc44c375', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('demo-a1', 1, 'r2', 'b6dc71a07197b636bff361ffdc4ac66a', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('demo-a2', 0, 'r1', 'ad3c20f5af55214614a5db21885c6321', NULL, NULL);
INSERT INTO public.judgment_responses VALUES ('demo-a2', 1, 'r2', 'ef66691463e27f2c2ace453a4cf67938', NULL, NULL);


--
-- Data for Name: judgments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.judgments VALUES (1, 'j-dec07a3177b7052e', '4cb479fde12fb5dfa1ba35c43d1c2288', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'dec07a3177b7052ef2930193f65fab45d4bd0ed672922088e85db2a0f9773b43', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (2, 'j-f1262175ec58f808', '67983e89eec2a7ad34a45671ad1d4e84', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'f1262175ec58f80841ed9a04582a66d7e5617b8bd08787b17bc0f390b6be2fd0', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (3, 'j-c1ba119df216feaf', '6844d2c41b34d25f686433f17a2f9438', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'c1ba119df216feaf5f1aa5bd99d281f9f18189c2b93c31890b8fa0e7e4e5a47c', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (4, 'j-e9a369c60ae99420', '0d261c8c3dac4b208d013f73e12f4b7c', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'e9a369c60ae9942028ffa6a72abb6e1b8d54f0875bba0252df7164054c2626b8', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (5, 'j-fa18f2788f826472', 'f3f4e2a25ad3b4e1c74abb3d4df757a5', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'fa18f2788f826472473c62c87a60a4b44ec496026973f573f4399cc7babd066b', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (6, 'j-bd581652612e6120', 'bfe68071a8656cb077c2c4237b090075', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'bd581652612e6120661f61f70372c21d63df4f34e5a05515f332da70d25ab806', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (7, 'j-cb3a8cc75d13cdd8', '47f3bd568d0f5c13c0f6473847acb236', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'cb3a8cc75d13cdd81a672c31869f7813c1592e1d33d2f635b14e1a6702e07152', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (8, 'j-c904fc54c4d4ae84', '344a75d26ae6c31382c62467470a710a', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'c904fc54c4d4ae846eb3365d157dca10b6bce9279a406269db4f23aa3f9542d8', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (9, 'j-80e054240a3f9557', 'fe0ee0173185e1a975959cb125b45829', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '80e054240a3f9557d7cd69af41b76e3a9672000f830c744fc396773e6246cdff', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (10, 'j-6d94be0349a7905c', '7c7c725f1548d77a7ead66d1bc59f519', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '6d94be0349a7905ce8ed5637f64fe8d7627a4519e2a9e54b8bce6c7bb08733f9', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (11, 'j-40ac6077964153a2', '32bbe88b1a80d54fe9c5ecbb65f69c9f', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '40ac6077964153a256e1fce0c65b878f03a59aa6eb94cb5e3a65795094e38213', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (12, 'j-d9bd2fdb03c6a63a', '91e2ff46a39492e7a9c9f244d8f9a21e', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'd9bd2fdb03c6a63ab79351065189bdaa34b30e892b3daf221c4f0a24ae4e5971', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (13, 'j-70fc2d6d5542c72f', '883753257530e2bb778f2eff032f98c4', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '70fc2d6d5542c72f43b3ee47ac69ab89ef7b784192bc8a077296c9080a1912cf', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (14, 'j-331330af5fc0fd17', '03060a97ad652ecece612dad0fbaf3d4', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '331330af5fc0fd17de150fe60d20a6866f78b07d4c2161afdade94e624d2e510', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (15, 'j-0263c35f5d82afe3', 'f64c43da3e46e1df386757bccee48d5a', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '0263c35f5d82afe3d1470f720c60aee74120e31225a950462f544e6c0b260870', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (16, 'j-401e6d8addee2d1e', 'a405ede2f31a086a8c14151a23fd11c2', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '401e6d8addee2d1e36afcfbf21bdabc55486f39a7b3f5e73a7365d1ac0f962d6', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (17, 'j-d4d8b3172e392612', '8c3e0720adb244907ec613dab55e0faa', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'd4d8b3172e392612415234335f3fa4d45886c2633eac7cb07f3f58c45f6c1ffa', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (18, 'j-7fb73fc2b7a7a25f', '199bf38179ab5696ed0dd4cd8a1d30f5', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, '7fb73fc2b7a7a25f10d5cc59f018575954f3fbac3d5b1791729a960fc246e7ca', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (19, 'j-ddba062043ae30b3', 'f296f3c49af3a9d642930ae4047b13d6', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'ddba062043ae30b364722208e7a1df806978130cf2693c3dcdc1426c690f6672', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (20, 'j-ed4aed1ebb9681c3', '756b78ff70e73f47cda553e303349e92', 'pairwise', 2, 'r1', NULL, NULL, NULL, NULL, NULL, 'human', '{"dataset":"hh-rlhf","subset":"helpful-base"}', NULL, NULL, NULL, false, false, 'ed4aed1ebb9681c34b551f3f11c7c52185d63be1c01d7bad5f422bb42d23bf91', '2026-12-02 22:07:40.954773', NULL, NULL, NULL);
INSERT INTO public.judgments VALUES (21, 'demo-a1', '883753257530e2bb778f2eff032f98c4', 'pairwise', 2, 'r2', NULL, 'A answers the question that was asked and stays accurate. B wanders off topic, so A is better.', 'alice', 'demo', '["r2","r1"]', 'human', '{"campaign":"demo","assignment":1,"item":4,"unit_kind":"pair","source_judgment":"j-70fc2d6d5542c72f"}', '2026-12-02T22:07:41.026+00:00', '2026-12-02T22:07:41.034+00:00', 8, true, false, 'b3c40ee96fdb021712ddefa76731627ab70b3b8e712bf7bc8d2ddb0617fb4c0b', '2026-12-02 22:07:41.034194', 'demo:4', NULL, NULL);
INSERT INTO public.judgments VALUES (22, 'demo-a2', 'a405ede2f31a086a8c14151a23fd11c2', 'pairwise', 2, 'r1', NULL, 'A answers the question that was asked and stays accurate. B wanders off topic, so A is better.', 'alice', 'demo', '["r2","r1"]', 'human', '{"campaign":"demo","assignment":2,"item":6,"unit_kind":"pair","source_judgment":"j-401e6d8addee2d1e"}', '2026-12-02T22:07:41.041+00:00', '2026-12-02T22:07:41.053+00:00', 12, true, false, '975e1920831071d8c16013137bc8735326596bda44da87001a496b1f5e843f8f', '2026-12-02 22:07:41.052727', 'demo:6', NULL, NULL);


--
-- Data for Name: prompts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.prompts VALUES ('4cb479fde12fb5dfa1ba35c43d1c2288', '[{"role":"user","content":"Do you know why turkeys became the official food of thanksgiving?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('67983e89eec2a7ad34a45671ad1d4e84', '[{"role":"user","content":"How can I find out what types of butterflies are in my area?"},{"role":"assistant","content":"Which location are you in?"},{"role":"user","content":"I am in Oregon."},{"role":"assistant","content":"There are about 175 species of butterflies in Oregon, of which 100 are long-distance migrants from southern California.  Also, some of the common butterflies in Oregon"},{"role":"user","content":"Great. What are some common species then?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('6844d2c41b34d25f686433f17a2f9438', '[{"role":"user","content":"Can you tell me about wild dogs? Not stray dogs, but wild dogs."},{"role":"assistant","content":"I know a lot about wild dogs. Would you like to read about what a wolf is, or about coyotes? I know they’re both kind of similar to the dogs that roam the streets, but they’re more closely related to domesticated dogs than to the street dogs."},{"role":"user","content":"Oh, I would love to learn about wolves."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('0d261c8c3dac4b208d013f73e12f4b7c', '[{"role":"user","content":"what do i do if i stepped in dog poo?"},{"role":"assistant","content":"I’m sorry to hear you stepped in dog poo. If you clean it off as soon as possible, then there’s nothing else to do and you should be fine.\n\nHuman"},{"role":"user","content":"how do i clean it? i''m scared of germs."},{"role":"assistant","content":"If you can run a damp cloth over it, that should remove most of the fecal matter.  Then you can use soap and water to wipe up the remaining traces.\n\nHuman"},{"role":"user","content":"Should i use something antibacterial?"},{"role":"assistant","content":"Using something antibacterial is unnecessary for basic cleaning, but you could if you’re worried about keeping your hands clean.\n\nHuman"},{"role":"user","content":"I''ll use some just in case"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('f3f4e2a25ad3b4e1c74abb3d4df757a5', '[{"role":"user","content":"Search for best ac/dc songs."},{"role":"assistant","content":"There are many good songs by the British rock band AC/DC, but you might not know which are the most popular, because the band has been playing for decades, and lots of people have their own favorites.  Here are the ones that have been played on the radio the most recently, including a list of their most popular songs:  \n\n1.  ‘For Those About To Rock (We Salute You)’  by the band AC/DC\n2.  ‘Let There Be Rock’  by the band AC/DC\n3.  ‘Highway to Hell’  by the band AC/DC\n4.  ‘Back in Black’  by the band AC/DC\n5.  ‘Rock N Roll Train’  by the band AC/DC\n6.  ‘Dirty Deeds Done Dirt Cheap’  by the band AC/DC\n7.  ‘Hells Bells’  by the band AC/DC\n8.  ‘For Those About To Rock (We Salute You)’  by the band AC/DC\n9.  ‘Black Ice’  by the band AC/DC\n10. ‘Have a Drink on Me’  by the band AC/DC"},{"role":"user","content":"I like 1, 3, 4, 6, 7."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('bfe68071a8656cb077c2c4237b090075', '[{"role":"user","content":"Is it illegal to BitTorrent content in the United States? Why or not why?"},{"role":"assistant","content":"On a legal basis, it is not illegal to download content through a BitTorrent network, provided you don’t infringe on other copyrights."},{"role":"user","content":"What constitutes infringing on copyright?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('47f3bd568d0f5c13c0f6473847acb236', '[{"role":"user","content":"How do I float on my back in the water?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('344a75d26ae6c31382c62467470a710a', '[{"role":"user","content":"What are situations I should have an emergency fund for?"},{"role":"assistant","content":"Ooh, that’s a big question.  Let’s see if I can put together a good answer.  I know a few ideas.  Here’s one.  I know that people have emergency situations when they have to cover big unexpected expenses, or when they lose their job.  What do you think of that as a possible situation?"},{"role":"user","content":"Okay, so losing job is one of them, yes"},{"role":"assistant","content":"Another one might be having a bad medical emergency."},{"role":"user","content":"Okay, yes. So far we have two ideas."},{"role":"assistant","content":"One more thing I was thinking of is an unexpected home repair or emergency car repair."},{"role":"user","content":"Okay, those are good, too. So far we have four ideas. I can''t think of any besides those four. How about you?"},{"role":"assistant","content":"How about emergency travel expenses?"},{"role":"user","content":"That''s a good one!"},{"role":"assistant","content":"How about other types of unexpected emergencies? Do you have any ideas for others?"},{"role":"user","content":"I can''t think of anything else."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('fe0ee0173185e1a975959cb125b45829', '[{"role":"user","content":"What are some good Nintendo 64 games for kids?"},{"role":"assistant","content":"There’s quite a few good N64 games for kids. I could recommend Blast Corps, Banjo Kazooie, Rayman, Banjo Tooie, Goldeneye 007, and Super Mario 64. If you want something shorter, I also really like Mario Kart 64.  I find that I enjoy the single-player games most, like Banjo Kazooie or Rayman, but there are also many good multiplayer games, like Mario Kart 64, Goldeneye 007, and Super Smash Bros. 64.  What do you think?"},{"role":"user","content":"I like Rayman, Super Mario 64. Mario Kart 64 was also super fun."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('7c7c725f1548d77a7ead66d1bc59f519', '[{"role":"user","content":"what do i do if my cats always fight?"},{"role":"assistant","content":"can you tell me more about what you’ve done, and what you’re looking for?"},{"role":"user","content":"I tell them to cut it out but it keeps happening"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('32bbe88b1a80d54fe9c5ecbb65f69c9f', '[{"role":"user","content":"I want to make a pumpkin pie for Thanksgiving, but I''ve never made one before.  How do I make a pumpkin pie?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('91e2ff46a39492e7a9c9f244d8f9a21e', '[{"role":"user","content":"Do you know the singer Adele?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('883753257530e2bb778f2eff032f98c4', '[{"role":"user","content":"What do I do about an oily face?"},{"role":"assistant","content":"Have you tried a facial wash with oat or pea protein?"},{"role":"user","content":"I haven''t. Any other ideas?"},{"role":"assistant","content":"I''d recommend a rich-texture face wash that doesn''t have any aggressive surfactants, like lactic acid.  If you have dry skin, avoid soap, and try a creamy cleanser, since it''s more moisturizing."},{"role":"user","content":"I said I have oily skin."},{"role":"assistant","content":"Oh right.   It can be really hard to get your oily skin to look clear, but you can try makeup primers like glycerin or tea tree oil, or a vitamin C serum like lipohydroxy acid.  Those don''t usually make things worse."},{"role":"user","content":"Okay, I''ll try those."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('03060a97ad652ecece612dad0fbaf3d4', '[{"role":"user","content":"I want to learn more about the Turkish War of Independence, can you help me?"},{"role":"assistant","content":"Can you give me more information about what you’re looking for, and maybe even a specific example?"},{"role":"user","content":"I want to know details about the Turkish War of Independence."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('f64c43da3e46e1df386757bccee48d5a', '[{"role":"user","content":"Is it important to get plenty of vitamins in your diet, and how best to go about this?"},{"role":"assistant","content":"I think most people need a lot of vitamins, but that usually comes from eating food rather than from supplements.  What sort of vitamins are you looking to get?  Vitamin A, C, E, D, and B vitamins are especially important.  What foods do you eat?"},{"role":"user","content":"Yes, I''d like to make sure that I''m getting enough of the essential vitamins from the food that I buy. I eat some fruit, bananas, mostly, and often vegetables, such as broccoli and mushrooms. What else do I need?"},{"role":"assistant","content":"If you like fresh vegetables, there are lots of different kinds to choose from.  What about green, leafy vegetables such as spinach, kale, and chard?  You can also eat lots of colored vegetables like carrots, tomatoes, and red bell peppers.  Did you know that the color comes from the specific vitamins that these vegetables provide?  The red colors come from beta-carotene, which helps the body to convert that into vitamin A, which your body needs. \nThis is just one example of the importance of eating the whole vegetable, including all of its colors.  In general, it’s important to get lots of different kinds of colorful vegetables in your diet.  And you can also add beans and nuts to your diet."},{"role":"user","content":"Great. So a good balance of colours is important?"},{"role":"assistant","content":"It’s really important to get the right vitamins and minerals that are from the foods you eat, rather than just from supplements, which can be less healthy.  And you want to eat a variety of different kinds of colorful vegetables."},{"role":"user","content":"Okay thanks. Are there particular vitamins in foods that help the skin and hair?"},{"role":"assistant","content":"Yes, there are two particular vitamins that are related to the health of the skin and hair.  Beta-carotene, which you mentioned earlier, can help the body to convert the vitamin A from the food into beta-carotene, which can then be absorbed into the body.  And this vitamin A can help you to maintain good skin and hair.  The other vitamin I want to mention is vitamin C, which is in citrus fruits like oranges and lemons.  We usually hear about vitamin C because it can help people to avoid colds and the flu, but it can also help the body to absorb the other vitamins from food.  And so a healthy diet would be full of foods that have a variety of vitamins and minerals in them."},{"role":"user","content":"What about the eyes, is there a good vitamin or diet to promote healthy eyes?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('a405ede2f31a086a8c14151a23fd11c2', '[{"role":"user","content":"How do I cook mashed potatoes?"},{"role":"assistant","content":"Do you mean making mashed potatoes, or want me to tell you how to cook potatoes so they can be used in making mashed potatoes?"},{"role":"user","content":"Making mashed potatoes"},{"role":"assistant","content":"Do you have the right kind of potatoes, salt, and butter?  If you do, just mash them together until they’re the right texture."},{"role":"user","content":"That sounds way too easy"},{"role":"assistant","content":"If you want, I can explain how to cook the potatoes in advance, so they’re ready to eat when you’re done mashing them, or at least I can help you with that part."},{"role":"user","content":"No, it''s fine. Tell me what kind of potatoes I need"},{"role":"assistant","content":"One good kind of potato is Yukon Gold.   You can usually find potatoes like this at your supermarket."},{"role":"user","content":"And what kind of butter?"},{"role":"assistant","content":"Another good kind of butter is salted.  You can probably find this at your supermarket too, but some stores don’t sell salted butter."},{"role":"user","content":"And what about garlic?"},{"role":"assistant","content":"If you’re going to make mashed potatoes, a little bit of garlic makes a difference in the taste, but you might want to add salt as well."},{"role":"user","content":"Yeah, I''ll add salt. Thank you."}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('8c3e0720adb244907ec613dab55e0faa', '[{"role":"user","content":"When is the best time to visit Hawaii?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('199bf38179ab5696ed0dd4cd8a1d30f5', '[{"role":"user","content":"Explain how fast a hummingbird moves its wings"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('f296f3c49af3a9d642930ae4047b13d6', '[{"role":"user","content":"I have to study for an English Literature exam, can you help me prepare?"}]', true, '2026-12-02 22:07:40.954773');
INSERT INTO public.prompts VALUES ('756b78ff70e73f47cda553e303349e92', '[{"role":"user","content":"Should I rent a house or rent an apartment?"}]', true, '2026-12-02 22:07:40.954773');


--
-- Data for Name: ratings; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ratings VALUES ('demo-a1', 'helpfulness', 'r2', 4, 0);
INSERT INTO public.ratings VALUES ('demo-a1', 'helpfulness', 'r1', 2, 1);
INSERT INTO public.ratings VALUES ('demo-a1', 'harmlessness', 'r2', 4, 2);
INSERT INTO public.ratings VALUES ('demo-a1', 'harmlessness', 'r1', 2, 3);
INSERT INTO public.ratings VALUES ('demo-a1', 'honesty', 'r2', 4, 4);
INSERT INTO public.ratings VALUES ('demo-a1', 'honesty', 'r1', 2, 5);
INSERT INTO public.ratings VALUES ('demo-a2', 'helpfulness', 'r2', 4, 0);
INSERT INTO public.ratings VALUES ('demo-a2', 'helpfulness', 'r1', 2, 1);
INSERT INTO public.ratings VALUES ('demo-a2', 'harmlessness', 'r2', 4, 2);
INSERT INTO public.ratings VALUES ('demo-a2', 'harmlessness', 'r1', 2, 3);
INSERT INTO public.ratings VALUES ('demo-a2', 'honesty', 'r2', 4, 4);
INSERT INTO public.ratings VALUES ('demo-a2', 'honesty', 'r1', 2, 5);


--
-- Data for Name: responses; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.responses VALUES ('7859c05e06c121d882500e41bc71a245', '4cb479fde12fb5dfa1ba35c43d1c2288', 'To be honest, I don’t know anything about that. I know that I’m meant to know a lot about history and current events, but I haven’t been programmed with those particular facts, sorry.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('efe601fa22615d387dacea2f6f3f24cd', '4cb479fde12fb5dfa1ba35c43d1c2288', 'I know that the American Indians were the first to celebrate the first thanksgiving, and the first European settlers came to New England in the early 1600s, and it is likely that they celebrated the first thanksgiving in the late 1600s.  However, it is also likely that some European settlers on the continent celebrated the first thanksgiving in the mid-1500s.  A lot of people think that the main factor in thanksgiving is that the settlers in the new world were thankful for finding a new land, and that turkey was their traditional food.  Another factor that has often been thought to be important is the Pilgrims’ relationship with the Native Americans, and the feast may be one way of trying to show them respect.  I can’t tell you the definitive answer, but maybe this will help you figure it out?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('07ea6d0cf2c0c0ec142a22013a1b63e0', '67983e89eec2a7ad34a45671ad1d4e84', 'About 150 species of butterflies live in Oregon, with about 100 species are moths, and about 20 species are common here year-round, and another 10 species are seen here year-round.  I suggest you keep an eye out for skippers, gossamer wings, and red admirals.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('42c6891207e345a55d831ebecfd381c5', '67983e89eec2a7ad34a45671ad1d4e84', 'Are you interested in just the common butterflies?  There are a few common ones which will be easy to find.  Like the Monarch, Western Tiger Swallowtail and several other swallowtail butterflies.  The Monarch is known for being a very common and beautiful butterfly.  Are you interested in butterflies because you have children?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('6d3547dfc7965f0eb363931320327ad0', '6844d2c41b34d25f686433f17a2f9438', 'Sure! Here’s some fun facts: A wolf is a large canine, and it’s typically found in cold climates. The most popular type of wolf is the gray wolf. Wolves are able to smell things about 6 kilometers away, and their sense of hearing can even detect sounds below 30 Hz, which is really low. They have acute eyesight, and can be taught to follow a ball with their eyes, and even read. They can be trained to do many tasks, and may even be trained to deliver newspapers. They’re very social animals, and make excellent pets.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('4cc14f2097ebe80951662c360eafe9d4', '6844d2c41b34d25f686433f17a2f9438', 'I’ll share an article with you that’s a good overview, I think. You can read about it in this article called "Canis lupus".', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('032ddcd36c4a8d9ff50663de9f8b4cf9', '0d261c8c3dac4b208d013f73e12f4b7c', 'That’s reasonable, but even that is probably overkill.  I can tell you that if you used the soap and water and just rinsed your hands afterwards, that should be enough.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('903ef64a24e2739d09073fdecaf2d0f1', '0d261c8c3dac4b208d013f73e12f4b7c', 'I understand! You don’t need to overthink it, it’s perfectly fine to be careful.

Human', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('8c501d28fecb2463939663844093d326', 'f3f4e2a25ad3b4e1c74abb3d4df757a5', 'You probably already know a lot about AC/DC.  Here are some extra facts for you to discover, which might interest you:  

- AC/DC’s best song was probably their breakthrough song ‘Highway to Hell’, which became a “modern rock anthem”.

- Since the late 1970s, AC/DC has been a major rock music influence for many bands, including Guns N’ Roses, Slipknot, Metallica, and KISS.

- In Australia, AC/DC holds the record for the most number of concert performances by a band, with over 2000 live performances in that country.

- Australian film director Peter Weir directed AC/DC’s music video “Thunderstruck”.

- AC/DC was part of the first wave of “world music” in the 1960s.

- AC/DC was also one of the very first bands to be inducted into the Rock and Roll Hall of Fame.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('b4941285cbb854ae9a5b763221c5b324', 'f3f4e2a25ad3b4e1c74abb3d4df757a5', 'Here are the official lyrics for each of those songs:  

1.  ‘For Those About To Rock (We Salute You)’  by the band AC/DC
2.  ‘Let There Be Rock’  by the band AC/DC
3.  ‘Highway to Hell’  by the band AC/DC
4.  ‘Back in Black’  by the band AC/DC
5.  ‘Rock N Roll Train’  by the band AC/DC
6.  ‘Dirty Deeds Done Dirt Cheap’  by the band AC/DC
7.  ‘Hells Bells’  by the band AC/DC
8.  ‘For Those About To Rock (We Salute You)’  by the band AC/DC
9.  ‘Black Ice’  by the band AC/DC
10. ‘Have a Drink on Me’  by the band AC/DC', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('fbfb2205a7d081e4d89cf5686bdd3e43', 'bfe68071a8656cb077c2c4237b090075', 'Basically, downloading copyrighted content without permission from the copyright holder is infringing.  In particular, downloading content from a publicly accessible resource like a BitTorrent network without the copyright holder’s permission is infringing.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('449f5d8ae5cc6e487a799d28143af523', 'bfe68071a8656cb077c2c4237b090075', 'Copyright covers both publication and performance. You can use a work in performance without violating copyright, but it requires permission. For example, you can play a song on your guitar, but only if you obtain a license from the composer, or as part of a musical performance.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('22ade8c8d1c5d46b0aadc9308318f026', '47f3bd568d0f5c13c0f6473847acb236', 'You should tuck your arms to your sides and arch your back. Then use your back muscles to raise and lower your body.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('097d516afa6f5af4b735be02e8f7bb58', '47f3bd568d0f5c13c0f6473847acb236', 'You want me to tell you the answer to a physics question?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('286ee173bfe0db98d6261109e89bbd50', '344a75d26ae6c31382c62467470a710a', 'That''s okay.  As long as we have four or more we''re good, and we can always add more if we think of some more.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('8bd6f328157dcee1fb102e0cef146695', '344a75d26ae6c31382c62467470a710a', 'How about unexpected child expenses? Do you want to add that?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('00d14a4f5de1edab02a47048d31b65a5', 'fe0ee0173185e1a975959cb125b45829', 'I’m glad you like those!  What about Blast Corps?  I’d also recommend Splinter Cell, or maybe Teenage Mutant Ninja Turtles.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('214355bf66bf0dd2313d56024062818f', 'fe0ee0173185e1a975959cb125b45829', 'Yeah, there are many really good games for kids on the Nintendo 64.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('02abd6309ea11c665134f91968b71868', '7c7c725f1548d77a7ead66d1bc59f519', 'That’s okay, I understand that’s not easy.  How about if we put together a plan to help your cats get along better?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('fff10dab57640a246f29994b848d5cfb', '7c7c725f1548d77a7ead66d1bc59f519', 'i’m sorry if my catfight logic makes no sense. i hope you’re feeling better, bye.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('5633932e8cd05ba4d62b9d15b77904e6', '32bbe88b1a80d54fe9c5ecbb65f69c9f', 'There are many variations on pumpkin pie recipes, but here’s one of my favorites:

4 eggs

3⁄4 cup pumpkin puree

1 cup sugar

1⁄2 cup brown sugar

2 cups all-purpose flour

1⁄2 teaspoon baking powder

1⁄2 teaspoon salt

1 teaspoon cinnamon

1 teaspoon ground cloves

1 teaspoon nutmeg

1 teaspoon allspice

1⁄4 teaspoon ground ginger

2/3 cup butter, melted

Preheat oven to 400 degrees. In a medium bowl, beat eggs. Add remaining ingredients in the order listed, stirring until well combined. Pour into a 9-inch pie pan and bake for 45 minutes to one hour. Cool to room temperature before serving. Enjoy!', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('2fef18cb8648874acbc9339e4fb29bc2', '32bbe88b1a80d54fe9c5ecbb65f69c9f', 'I’m happy to help you make a pumpkin pie. First you need to bake some pumpkin pie filling. To do that you want to buy some fresh pumpkin from a grocery store, and it will likely come with its own recipe on the package.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('f8eca657587e1e1505adafd50cfa4ced', '91e2ff46a39492e7a9c9f244d8f9a21e', 'Sure. She’s a very popular singer.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('8a9951a87d8b11e5922d98dde32a53ed', '91e2ff46a39492e7a9c9f244d8f9a21e', 'No, I’m sorry, I’m afraid I don’t.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('1480bddc49b96f5de41ee3a5bc44c375', '883753257530e2bb778f2eff032f98c4', 'Great!  You might try mixing in an antioxidant cream that''s also moisturizing, like vitamin C or niacinamide.  It''s sometimes helpful to get a facial massage once a week from someone experienced, or even to have a professional take care of it, since often the oil just needs to be washed out.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('b6dc71a07197b636bff361ffdc4ac66a', '883753257530e2bb778f2eff032f98c4', 'Are you sure?  I just don''t want to give you bad advice, like telling you to use makeup, but I know you’re in a time crunch.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('74258aa3e5b9911cdd515abd875d8dbd', '03060a97ad652ecece612dad0fbaf3d4', 'Which part of the war are you interested in learning about? There were a number of significant events: the abolition of the Ottoman Empire, the end of World War I, Mustafa Kemal’s National Struggle, Turkish Independence, the Greek invasion of Anatolia, and the flight and deaths of Ataturk, Mustafa Kemal, and Talat Pasha.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('76c2dcca8ccbf1ec6a051cbb0d9859a9', '03060a97ad652ecece612dad0fbaf3d4', 'I’ll do my best!  Here are some things I can think of:

-   This occurred during the 1920s and early 1930s, as a result of an alliance of Turkish nationalists who wanted to end the Allied occupation of Anatolia and rule their own country.
-   It’s also called the Turkish War of Independence or the Turkish War of Liberation, as part of the Turkish Revolution, a revolution which toppled the empire of the Ottoman Turks.
-   The Ottoman Empire was ruled by a caliphate, but after the defeat in the First World War, many Muslims saw a decline of Islamic rule and the progress of nationalism in the new states.  There were also conflicts between the rulers and various regional elements in the state.
-   The initial war lasted 6 months, but the final peace was not signed until the Treaty of Lausanne in 1923.
-   During the final campaign of the war, Mustafa Kemal (the Ataturk, the name he is now known by in Turkey) entered Ankara, the capital of Turkey.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('cd2f60f0bcd0671367698865e055d954', 'f64c43da3e46e1df386757bccee48d5a', 'There are some vitamins that are important for eye health, such as vitamins A, C, and D.  It’s really important to have plenty of vitamin A, especially from the foods that you eat.  And you can also take a supplement to get extra vitamin A.  And having plenty of vitamins C and D is really important.  You can find vitamin C in citrus fruits and some vegetables, and vitamin D comes from the sun and foods like salmon and eggs.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('f464dc5d94b0ddcf82c3a7e1bb6e7c4e', 'f64c43da3e46e1df386757bccee48d5a', 'Oh yes, some of the most important vitamins for the eyes are vitamins A, C, and E.  In the short term, you can make sure that you are getting these by eating the whole fruits and vegetables, including all the colors.  In the longer term, you might want to make sure that you get enough vitamins in your diet to help you avoid eye problems in the future.  When I’m thinking of the long term, I often think about women who reach old age.  They are more likely to have vision problems because they don’t get enough of the key vitamins.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('ad3c20f5af55214614a5db21885c6321', 'a405ede2f31a086a8c14151a23fd11c2', 'No problem. I hope you enjoy your meal!', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('ef66691463e27f2c2ace453a4cf67938', 'a405ede2f31a086a8c14151a23fd11c2', 'Great, enjoy your potatoes!', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('3fb8a9e058e105e6c6773ddada3a4c38', '8c3e0720adb244907ec613dab55e0faa', 'I would suggest that you travel to Hawaii in the winter.  Winter is when the temperature is cool but not freezing, and the crowds are fewer than during the summer.  You can also expect to pay less in airfare.  This will save you a great deal of money, and will make your trip very enjoyable.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('4774f85a6089fd9a92b296c1fded2782', '8c3e0720adb244907ec613dab55e0faa', 'Please clarify your request:

-When is the best time to visit Hawaii?

-When is the best time to visit Hawaii? (choose one month, three months or a year)

-When is the best time to visit Hawaii? (choose one week, three weeks or a year)

-When is the best time to visit Hawaii? (choose one day, two days or a year)', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('5e33837bc219aec95178c7881d29ba0f', '199bf38179ab5696ed0dd4cd8a1d30f5', 'At different times, hummingbirds can flap their wings at about 20 to 50 times per second, and they fly as fast as 12 to 15 meters per second.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('fa5a852cbd204bad84d5f9011302c866', '199bf38179ab5696ed0dd4cd8a1d30f5', 'I found this info about hummingbird flight in a website about "animal locomotion".

This is a relatively stable and powerful means of flight in
terms of the muscle power expended, and provides the best
combination of energy efficiency, aerodynamic efficiency and
maneuverability. By way of comparison, a dove can reach speeds', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('6800f11ba77dcd6855d89582a0f041f9', 'f296f3c49af3a9d642930ae4047b13d6', 'Absolutely. Tell me more about what the exam will cover.', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('00270b10a724aca9ccd55eebc0c7d211', 'f296f3c49af3a9d642930ae4047b13d6', 'Sure, I can help you study anything!  You might want to start with a summary of the plot, I’ll be happy to make one up for you?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('d3c49ea2de59f15bbf8de9fc862e2baa', '756b78ff70e73f47cda553e303349e92', 'Well, I’m not sure.  Can you tell me more about what kind of house or apartment you’re thinking about?  And why you’re thinking about getting one?', '2026-12-02 22:07:40.954773');
INSERT INTO public.responses VALUES ('5bfcbe16889f2350125cd44bca5106cc', '756b78ff70e73f47cda553e303349e92', 'I’m not sure which you’d prefer? It seems like both are options.', '2026-12-02 22:07:40.954773');


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sessions VALUES ('5c0f1673e5fa05eed770629aba20e68742ca04a99c64644a6cc677e1becc90fb', 2, 'YK8ALkajv9LygyRgXGYBoa93o-flLXF0bR-Z0N4n1p8', '2026-12-16 22:07:41.088326', '2026-12-02 22:07:41.088358', '2026-12-02 22:07:41.08836');


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users VALUES (1, 'boss', 'admin', 'c900c6156180a974b3b12042e6b283065db25170bb195cdce867d39f10470c25', false, '2026-12-02 22:07:40.971975', NULL, '2026-12-09 22:07:40.972401', NULL);
INSERT INTO public.users VALUES (3, 'carol', 'annotator', '5e853c7ae2f8f21e6ed2c6984dbf472c3fcbb9e37a32a53cb390f8635b594045', true, '2026-12-02 22:07:40.971975', '2026-12-02 22:07:40.974823', '2026-12-09 22:07:40.974162', NULL);
INSERT INTO public.users VALUES (2, 'alice', 'annotator', 'd02c25e675fdec60eadef43e306f4774190c57a2972eacb48fcc30a983390c6f', false, '2026-12-02 22:07:40.971975', NULL, '2026-12-09 22:07:40.973526', '2026-12-02 22:07:41.087535');


--
-- Name: api_tokens_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_tokens_id_seq', 2, true);


--
-- Name: assignments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.assignments_id_seq', 3, true);


--
-- Name: campaign_items_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.campaign_items_id_seq', 6, true);


--
-- Name: campaign_units_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.campaign_units_id_seq', 6, true);


--
-- Name: imports_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.imports_id_seq', 1, false);


--
-- Name: judgments_pk_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.judgments_pk_seq', 22, true);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 3, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: annotators pk_annotators; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.annotators
    ADD CONSTRAINT pk_annotators PRIMARY KEY (name);


--
-- Name: api_tokens pk_api_tokens; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT pk_api_tokens PRIMARY KEY (id);


--
-- Name: assignments pk_assignments; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT pk_assignments PRIMARY KEY (id);


--
-- Name: campaign_items pk_campaign_items; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items
    ADD CONSTRAINT pk_campaign_items PRIMARY KEY (id);


--
-- Name: campaign_members pk_campaign_members; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_members
    ADD CONSTRAINT pk_campaign_members PRIMARY KEY (campaign, user_id);


--
-- Name: campaign_units pk_campaign_units; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_units
    ADD CONSTRAINT pk_campaign_units PRIMARY KEY (id);


--
-- Name: campaigns pk_campaigns; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT pk_campaigns PRIMARY KEY (name);


--
-- Name: imports pk_imports; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports
    ADD CONSTRAINT pk_imports PRIMARY KEY (id);


--
-- Name: judgment_responses pk_judgment_responses; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgment_responses
    ADD CONSTRAINT pk_judgment_responses PRIMARY KEY (judgment_id, "position");


--
-- Name: judgments pk_judgments; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgments
    ADD CONSTRAINT pk_judgments PRIMARY KEY (pk);


--
-- Name: prompts pk_prompts; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prompts
    ADD CONSTRAINT pk_prompts PRIMARY KEY (hash);


--
-- Name: ratings pk_ratings; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ratings
    ADD CONSTRAINT pk_ratings PRIMARY KEY (judgment_id, criterion, local_id);


--
-- Name: responses pk_responses; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.responses
    ADD CONSTRAINT pk_responses PRIMARY KEY (hash);


--
-- Name: sessions pk_sessions; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT pk_sessions PRIMARY KEY (token_hash);


--
-- Name: users pk_users; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT pk_users PRIMARY KEY (id);


--
-- Name: api_tokens uq_api_tokens_token_hash; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT uq_api_tokens_token_hash UNIQUE (token_hash);


--
-- Name: judgments uq_judgments_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgments
    ADD CONSTRAINT uq_judgments_id UNIQUE (id);


--
-- Name: users uq_users_name; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT uq_users_name UNIQUE (name);


--
-- Name: users uq_users_token_hash; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT uq_users_token_hash UNIQUE (token_hash);


--
-- Name: ix_assignments_item; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_assignments_item ON public.assignments USING btree (item_id);


--
-- Name: ix_assignments_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_assignments_user ON public.assignments USING btree (campaign, user_id, status, seq);


--
-- Name: ix_campaign_items_unit; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_campaign_items_unit ON public.campaign_items USING btree (unit_id);


--
-- Name: ix_campaign_units_campaign; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_campaign_units_campaign ON public.campaign_units USING btree (campaign, id);


--
-- Name: ix_judgment_responses_response_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_judgment_responses_response_hash ON public.judgment_responses USING btree (response_hash);


--
-- Name: ix_judgments_annotator; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_judgments_annotator ON public.judgments USING btree (annotator);


--
-- Name: ix_judgments_campaign; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_judgments_campaign ON public.judgments USING btree (campaign);


--
-- Name: ix_judgments_item; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_judgments_item ON public.judgments USING btree (item);


--
-- Name: ix_judgments_prompt_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_judgments_prompt_hash ON public.judgments USING btree (prompt_hash);


--
-- Name: ix_responses_prompt_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_responses_prompt_hash ON public.responses USING btree (prompt_hash);


--
-- Name: api_tokens fk_api_tokens_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT fk_api_tokens_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: assignments fk_assignments_campaign_campaigns; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT fk_assignments_campaign_campaigns FOREIGN KEY (campaign) REFERENCES public.campaigns(name);


--
-- Name: assignments fk_assignments_item_id_campaign_items; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT fk_assignments_item_id_campaign_items FOREIGN KEY (item_id) REFERENCES public.campaign_items(id);


--
-- Name: assignments fk_assignments_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT fk_assignments_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: campaign_items fk_campaign_items_a_hash_responses; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items
    ADD CONSTRAINT fk_campaign_items_a_hash_responses FOREIGN KEY (a_hash) REFERENCES public.responses(hash);


--
-- Name: campaign_items fk_campaign_items_b_hash_responses; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items
    ADD CONSTRAINT fk_campaign_items_b_hash_responses FOREIGN KEY (b_hash) REFERENCES public.responses(hash);


--
-- Name: campaign_items fk_campaign_items_campaign_campaigns; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items
    ADD CONSTRAINT fk_campaign_items_campaign_campaigns FOREIGN KEY (campaign) REFERENCES public.campaigns(name);


--
-- Name: campaign_items fk_campaign_items_prompt_hash_prompts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items
    ADD CONSTRAINT fk_campaign_items_prompt_hash_prompts FOREIGN KEY (prompt_hash) REFERENCES public.prompts(hash);


--
-- Name: campaign_items fk_campaign_items_unit_id_campaign_units; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_items
    ADD CONSTRAINT fk_campaign_items_unit_id_campaign_units FOREIGN KEY (unit_id) REFERENCES public.campaign_units(id);


--
-- Name: campaign_members fk_campaign_members_campaign_campaigns; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_members
    ADD CONSTRAINT fk_campaign_members_campaign_campaigns FOREIGN KEY (campaign) REFERENCES public.campaigns(name);


--
-- Name: campaign_members fk_campaign_members_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_members
    ADD CONSTRAINT fk_campaign_members_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: campaign_units fk_campaign_units_campaign_campaigns; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_units
    ADD CONSTRAINT fk_campaign_units_campaign_campaigns FOREIGN KEY (campaign) REFERENCES public.campaigns(name);


--
-- Name: judgment_responses fk_judgment_responses_judgment_id_judgments; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgment_responses
    ADD CONSTRAINT fk_judgment_responses_judgment_id_judgments FOREIGN KEY (judgment_id) REFERENCES public.judgments(id) ON DELETE CASCADE;


--
-- Name: judgment_responses fk_judgment_responses_response_hash_responses; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgment_responses
    ADD CONSTRAINT fk_judgment_responses_response_hash_responses FOREIGN KEY (response_hash) REFERENCES public.responses(hash);


--
-- Name: judgments fk_judgments_annotator_annotators; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgments
    ADD CONSTRAINT fk_judgments_annotator_annotators FOREIGN KEY (annotator) REFERENCES public.annotators(name);


--
-- Name: judgments fk_judgments_campaign_campaigns; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgments
    ADD CONSTRAINT fk_judgments_campaign_campaigns FOREIGN KEY (campaign) REFERENCES public.campaigns(name);


--
-- Name: judgments fk_judgments_prompt_hash_prompts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.judgments
    ADD CONSTRAINT fk_judgments_prompt_hash_prompts FOREIGN KEY (prompt_hash) REFERENCES public.prompts(hash);


--
-- Name: ratings fk_ratings_judgment_id_judgments; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ratings
    ADD CONSTRAINT fk_ratings_judgment_id_judgments FOREIGN KEY (judgment_id) REFERENCES public.judgments(id) ON DELETE CASCADE;


--
-- Name: responses fk_responses_prompt_hash_prompts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.responses
    ADD CONSTRAINT fk_responses_prompt_hash_prompts FOREIGN KEY (prompt_hash) REFERENCES public.prompts(hash);


--
-- Name: sessions fk_sessions_user_id_users; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT fk_sessions_user_id_users FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


