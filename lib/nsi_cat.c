/*
 * nsi_cat.c -- the catalogs oms-nsi knows, as data: where each packet
 * keeps its records and which element goes into which column of ref/
 *
 * The element names were settled from public code that reads the fund's
 * packets (oms-nsi(1), STANDARDS): the medflk pre-send checker (the
 * packet classes of each catalog it downloads from nsi.ffoms.ru, and the
 * F002 register of ЕРСМО), and MIS code that imports the packets into its
 * own tables (chipcom's check_pro: every element of the F-, N-, O- and
 * V-packets it reads).  Nothing here is a guess at a key: a packet whose
 * records have none of these keys is refused.
 */
#include <stddef.h>

#include "nsi_int.h"

/* F014: the reasons for refusing payment, numeric Kod and article Osn */
static const struct nsi_col f014_cols[] = {
	{ "code", { "Kod" },			NSI_NUM,  1, 0 },
	{ "osn",  { "Osn" },			NSI_TEXT, 0, 0 },
	{ "name", { "Naim", "Komment" },	NSI_TEXT, 0, 0 },
	{ "from", { "DATEBEG" },		NSI_DATE, 0, 0 },
	{ "to",   { "DATEEND" },		NSI_DATE, 0, 0 },
};

/* Q015 and Q016: the checks, by ID_TEST */
static const struct nsi_col q015_cols[] = {
	{ "code", { "ID_TEST" },		NSI_CODE, 1, 0 },
	{ "name", { "DESC_TEST", "COMMENT" },	NSI_TEXT, 0, 0 },
};

/*
 * F002: the insurers' register.  Both generations have insCompany
 * records with the same elements (the older nsi.ffoms.ru download in
 * lower case, ЕРСМО's since May 2024 partly in capitals, TF_OKATO): the
 * names, the tax numbers, the legal and postal addresses (an index and a
 * text each), and the dates the insurer entered and left the register
 * (insInclude).  Neither carries bank details.
 */
static const struct nsi_col f002_cols[] = {
	{ "code",  { "smocod" },		NSI_CODE,   1, 0 },
	{ "name",  { "nam_smop", "nam_smok" },	NSI_TEXT,   1, 0 },
	{ "short", { "nam_smok" },		NSI_TEXT,   0, 0 },
	{ "inn",   { "inn" },			NSI_DIGITS, 0, 0 },
	{ "kpp",   { "KPP" },			NSI_DIGITS, 0, 0 },
	{ "ogrn",  { "Ogrn" },			NSI_DIGITS, 0, 0 },
	{ "address", { "jurAddress/index_j", "jurAddress/addr_j" },
						NSI_JOIN,   0, 0 },
	{ "post_address", { "pstAddress/index_f", "pstAddress/addr_f" },
						NSI_JOIN,   0, 0 },
	{ "okato", { "tf_okato" },		NSI_DIGITS, 0, 0 },
	{ "from",  { "insInclude/d_begin" },	NSI_DATE,   0, 0 },
	{ "to",    { "insInclude/d_end" },	NSI_DATE,   0, 0 },
};

/*
 * M001, ICD-10 as the Ministry of Health's NSI publishes it (the fund
 * refers to it): book/entries/entry, no validity dates but ACTUAL.
 */
static const struct nsi_col m001_cols[] = {
	{ "code",   { "MKB_CODE" },		NSI_CODE, 1, 0 },
	{ "name",   { "MKB_NAME" },		NSI_TEXT, 0, 0 },
	{ "from",   { NULL },			NSI_DATE, 0, 0 },
	{ "to",     { NULL },			NSI_DATE, 0, 0 },
	{ "actual", { "ACTUAL" },		NSI_TEXT, 0, 0 },
};

/*
 * M002, the topography of ICD-O by ICD-10 code, as the Ministry of
 * Health's NSI publishes it (the fund refers to it): book/entries/entry
 * with ICD10, ICDOTopography and TNM_7, TNM_8 ("true" where the edition
 * of TNM covers the site); medflk reads these four.  The checks ask
 * whether a diagnosis has a topography, by the icd10 column
 * (DS1@M002.tsv:icd10).  The entry's ID, which the Ministry's books
 * carry, is the code when it is there; no name, no dates.
 */
static const struct nsi_col m002_cols[] = {
	{ "code",  { "ID", "ICD10" },		NSI_CODE, 1, 0 },
	{ "name",  { NULL },			NSI_TEXT, 0, 0 },
	{ "from",  { NULL },			NSI_DATE, 0, 0 },
	{ "to",    { NULL },			NSI_DATE, 0, 0 },
	{ "icd10", { "ICD10" },			NSI_TEXT, 1, 0 },
	{ "icdo",  { "ICDOTopography" },	NSI_TEXT, 0, 0 },
	{ "tnm7",  { "TNM_7" },			NSI_TEXT, 0, 0 },
	{ "tnm8",  { "TNM_8" },			NSI_TEXT, 0, 0 },
};

/*
 * O002, the OKATO classifier: the 11-digit code the registries write
 * (OKATOG, OKATOP) is the territory and the three levels glued, 2 + 3 +
 * 3 + 3 digits; NAME1 its name.
 */
static const struct nsi_col o002_cols[] = {
	{ "code", { "TER", "KOD1", "KOD2", "KOD3" }, NSI_CONCAT, 1, 11 },
	{ "name", { "NAME1" },			NSI_TEXT, 0, 0 },
	{ "from", { "DATEBEG" },		NSI_DATE, 0, 0 },
	{ "to",   { "DATEEND" },		NSI_DATE, 0, 0 },
};

/*
 * N021, the drugs of each scheme: a registry names one by its extended
 * id, REGNUM_DOP (ID_LEKP_EXT; medflk checks it so, with CODE_SH), and
 * the packets before that element by ID_LEKP; ID_ZAP, the record's own
 * number, is written nowhere.
 */
static const struct nsi_col n021_cols[] = {
	{ "code",    { "ID_LEKP_EXT", "ID_LEKP" },	NSI_CODE, 1, 0 },
	{ "name",    { NULL },				NSI_TEXT, 0, 0 },
	{ "from",    { "DATEBEG" },			NSI_DATE, 1, 0 },
	{ "to",      { "DATEEND" },			NSI_DATE, 0, 0 },
	{ "code_sh", { "CODE_SH" },			NSI_TEXT, 0, 0 },
	{ "id_lekp", { "ID_LEKP" },			NSI_TEXT, 0, 0 },
	{ "id_zap",  { "ID_ZAP" },			NSI_TEXT, 0, 0 },
};

#define COLS(a)	(a), sizeof(a) / sizeof((a)[0])

const struct nsi_layout nsi_layouts[] = {
	{ "Q015", "ID_TEST (Q015, Q016)", NSI_PACKET, "zap",
	    { "ID_TEST", NULL }, NULL, COLS(q015_cols) },
	{ "F014", "Kod with Osn or Naim (F014)", NSI_PACKET, "zap",
	    { "Kod", "Osn" }, "Naim", COLS(f014_cols) },
	{ "F002", "smocod (F002)", NSI_PACKET, "insCompany",
	    { "smocod", NULL }, NULL, COLS(f002_cols) },
	{ "O002", "TER with KOD1 (O002)", NSI_PACKET, "zap",
	    { "TER", "KOD1" }, NULL, COLS(o002_cols) },
	{ "N021", "ID_ZAP with CODE_SH (N021)", NSI_PACKET, "zap",
	    { "ID_ZAP", "CODE_SH" }, NULL, COLS(n021_cols) },
	{ "M001", "MKB_CODE (M001)", NSI_BOOK, "entry",
	    { "MKB_CODE", NULL }, NULL, COLS(m001_cols) },
	{ "M002", "ICD10 with ICDOTopography (M002)", NSI_BOOK, "entry",
	    { "ICD10", "ICDOTopography" }, NULL, COLS(m002_cols) },
};
const size_t nsi_nlayouts = sizeof(nsi_layouts) / sizeof(nsi_layouts[0]);

/*
 * The common layout.  A record is taken for the first catalog whose key
 * it has, so a catalog whose records also carry another's key comes
 * first: N006 (the stage and TNM ids of N002-N005), N008 and N009
 * (ID_Mrf of N007), N011 and N012 (ID_Igh of N010), V020 (which may carry
 * V002's profile, IDPR).  Names match in any case, so F011 (IDDoc)
 * is told from F008 (IDDOC) by its mask of the series, DocSer.  The
 * extra columns are the second keys the checks look up with the code:
 * the conditions of care a result or an outcome belongs to (USL_OK), the
 * diagnosis of a stage or a TNM category, the kind of high-tech care of
 * a method.  Each row: catalog, key, a second element a record must have
 * too (or NULL), name elements, extra columns.
 */
const struct nsi_cat nsi_cats[] = {
	{ "F006", "IDVID", NULL, { "VIDNAME" }, { { NULL } } },
	{ "F011", "IDDoc", "DocSer", { "DocName" },
	    { { "docser", "DocSer" }, { "docnum", "DocNum" } } },
	{ "F008", "IDDOC", NULL, { "DOCNAME" }, { { NULL } } },
	{ "F010", "KOD_OKATO", NULL, { "SUBNAME" },
	    { { "kod_tf", "KOD_TF" } } },
	{ "F032", "MCOD", NULL, { "NAM_MOP", "NAM_MOK" },
	    { { "oktmo", "OKTMO_P" } } },
	{ "V005", "IDPOL", NULL, { "POLNAME" }, { { NULL } } },
	{ "V006", "IDUMP", NULL, { "UMPNAME" }, { { NULL } } },
	{ "V008", "IDVMP", NULL, { "VMPNAME" }, { { NULL } } },
	{ "V009", "IDRMP", NULL, { "RMPNAME" }, { { "usl_ok", "DL_USLOV" } } },
	{ "V010", "IDSP", NULL, { "SPNAME" }, { { NULL } } },
	{ "V012", "IDIZ", NULL, { "IZNAME" }, { { "usl_ok", "DL_USLOV" } } },
	{ "V014", "IDFRMMP", NULL, { "FRMMPNAME" }, { { NULL } } },
	{ "V016", "IDDT", NULL, { "DTNAME" }, { { NULL } } },
	{ "V017", "IDDR", NULL, { "DRNAME" }, { { NULL } } },
	{ "V018", "IDHVID", NULL, { "HVIDNAME" }, { { NULL } } },
	{ "V019", "IDHM", NULL, { "HMNAME" },
	    { { "hvid", "HVID" }, { "diag", "DIAG" } } },
	{ "V020", "IDK_PR", NULL, { "K_PRNAME" }, { { NULL } } },
	{ "V002", "IDPR", NULL, { "PRNAME" }, { { NULL } } },
	{ "V021", "IDSPEC", NULL, { "SPECNAME" }, { { NULL } } },
	{ "V023", "K_KSG", NULL, { "N_KSG" }, { { "koef_z", "KOEF_Z" } } },
	{ "V024", "IDDKK", NULL, { "DKKNAME" }, { { NULL } } },
	{ "V025", "IDPC", NULL, { "N_PC" }, { { NULL } } },
	{ "V026", "K_KPG", NULL, { "N_KPG" }, { { "koef_z", "KOEF_Z" } } },
	{ "V027", "IDCZ", NULL, { "N_CZ" }, { { NULL } } },
	{ "V028", "IDVN", NULL, { "N_VN" }, { { NULL } } },
	{ "V029", "IDMET", NULL, { "N_MET" }, { { NULL } } },
	{ "V042", "ID_PR", NULL, { "N_PR" }, { { NULL } } },
	{ "N001", "ID_PrOt", NULL, { "PrOt_NAME" }, { { NULL } } },
	{ "N006", "ID_gr", NULL, { NULL }, { { "ds", "DS_gr" },
	    { "st", "ID_St" }, { "t", "ID_T" }, { "n", "ID_N" }, { "m", "ID_M" } } },
	{ "N002", "ID_St", NULL, { "KOD_St" }, { { "ds", "DS_St" } } },
	{ "N003", "ID_T", NULL, { "T_NAME", "KOD_T" }, { { "ds", "DS_T" } } },
	{ "N004", "ID_N", NULL, { "N_NAME", "KOD_N" }, { { "ds", "DS_N" } } },
	{ "N005", "ID_M", NULL, { "M_NAME", "KOD_M" }, { { "ds", "DS_M" } } },
	{ "N009", "ID_M_D", NULL, { NULL },
	    { { "ds", "DS_Mrf" }, { "mrf", "ID_Mrf" } } },
	{ "N008", "ID_R_M", NULL, { "R_M_NAME" }, { { "mrf", "ID_Mrf" } } },
	{ "N007", "ID_Mrf", NULL, { "Mrf_NAME" }, { { NULL } } },
	{ "N011", "ID_R_I", NULL, { "R_I_NAME" }, { { "igh", "ID_Igh" } } },
	{ "N012", "ID_I_D", NULL, { NULL },
	    { { "ds", "DS_Igh" }, { "igh", "ID_Igh" } } },
	{ "N010", "ID_Igh", NULL, { "Igh_NAME", "KOD_Igh" }, { { NULL } } },
	{ "N013", "ID_TLech", NULL, { "TLech_NAME" }, { { NULL } } },
	{ "N014", "ID_THir", NULL, { "THir_NAME" }, { { NULL } } },
	{ "N015", "ID_TLek_L", NULL, { "TLek_NAME_L" }, { { NULL } } },
	{ "N016", "ID_TLek_V", NULL, { "TLek_NAME_V" }, { { NULL } } },
	{ "N017", "ID_TLuch", NULL, { "TLuch_NAME" }, { { NULL } } },
	{ "N018", "ID_REAS", NULL, { "REAS_NAME" }, { { NULL } } },
	{ "N019", "ID_CONS", NULL, { "CONS_NAME" }, { { NULL } } },
	{ "N020", "ID_LEKP", NULL, { "MNN" }, { { NULL } } },
};
const size_t nsi_ncats = sizeof(nsi_cats) / sizeof(nsi_cats[0]);
