// The registry's kinds as the desktop pages show them (Registry.vue): each
// kind's fields in the import template's order (src/registry/columns.cpp),
// which of them are enumerations, masked, computed or numbers. The API
// answers every value as text; the enumerations' labels are those of
// src/domain/enum_tables.hpp, kept here once for the web app. And the list
// every registry page pages through (useCursorPage).
import { ref } from 'vue';
import { api } from './api';

export interface EnumRow {
  token: string; // what the API stores and accepts; never changes
  label: string; // the Chinese label exports, the API's answers and the pages show
  en: string;
}

// src/domain/enum_tables.hpp, the rows the registry pages name (the
// importer also accepts each row's synonyms; the form sends the token).
export const enumRows: Record<string, EnumRow[]> = {
  level: [
    { token: 'county', label: '县', en: 'County' },
    { token: 'township', label: '乡镇', en: 'Township' },
    { token: 'village', label: '村', en: 'Village' },
    { token: 'grid', label: '网格', en: 'Grid' },
  ],
  rank: [
    { token: 'county', label: '县级', en: 'County level' },
    { token: 'section', label: '乡科级', en: 'Section level' },
    { token: 'deputy_section', label: '副科级', en: 'Deputy section level' },
    { token: 'ordinary', label: '一般干部', en: 'Ordinary cadre' },
    { token: 'village_member', label: '农村党员', en: 'Village party member' },
  ],
  education: [
    { token: 'none', label: '文盲', en: 'None' },
    { token: 'primary', label: '小学', en: 'Primary' },
    { token: 'junior', label: '初中', en: 'Junior secondary' },
    { token: 'senior', label: '高中', en: 'Senior secondary' },
    { token: 'college', label: '大专', en: 'College' },
    { token: 'bachelor', label: '本科', en: 'Bachelor' },
    { token: 'postgraduate', label: '研究生', en: 'Postgraduate' },
  ],
  strength: [
    { token: 'strong', label: '强', en: 'Strong' },
    { token: 'medium', label: '中', en: 'Medium' },
    { token: 'weak', label: '弱', en: 'Weak' },
  ],
  gender: [
    { token: 'male', label: '男', en: 'Male' },
    { token: 'female', label: '女', en: 'Female' },
  ],
  org_kind: [
    { token: 'village_branch', label: '村党支部', en: 'Village branch' },
    { token: 'non_public', label: '非公经济组织党组织', en: 'Non-public economic organisation' },
    { token: 'social', label: '社会组织党组织', en: 'Social organisation' },
  ],
  rating: [
    { token: 'good', label: '好', en: 'Good' },
    { token: 'fair', label: '较好', en: 'Fair' },
    { token: 'average', label: '一般', en: 'Average' },
    { token: 'weak', label: '较差', en: 'Weak (软弱涣散)' },
  ],
  yes_no: [
    { token: '是', label: '是', en: 'Yes' },
    { token: '否', label: '否', en: 'No' },
  ],
};

export interface FieldSpec {
  name: string;
  enumeration?: keyof typeof enumRows;
  masked?: boolean; // shown masked; full text through POST /api/v1/reveal
  number?: boolean;
  required?: boolean; // the template's required columns
  list?: boolean; // a column of the list page
}

export const registryKinds = ['regions', 'units', 'orgs', 'cadres'] as const;
export type RegistryKind = (typeof registryKinds)[number];

// The fields of each kind (columns.cpp); the first is the record's code.
export const kindFields: Record<RegistryKind, FieldSpec[]> = {
  regions: [
    { name: 'code', required: true, list: true },
    { name: 'name', required: true, list: true },
    { name: 'level', enumeration: 'level', list: true },
    { name: 'parent_code', list: true },
  ],
  units: [
    { name: 'code', required: true, list: true },
    { name: 'name', required: true, list: true },
    { name: 'county_code' },
    { name: 'staff', number: true, required: true, list: true },
    { name: 'strength', enumeration: 'strength', list: true },
  ],
  orgs: [
    { name: 'code', required: true, list: true },
    { name: 'name', required: true, list: true },
    { name: 'kind', enumeration: 'org_kind', required: true, list: true },
    { name: 'region_code', required: true, list: true },
    { name: 'rating', enumeration: 'rating', list: true },
  ],
  cadres: [
    { name: 'code', required: true, list: true },
    { name: 'name', required: true, list: true },
    { name: 'gender', enumeration: 'gender' },
    { name: 'id_number', masked: true },
    { name: 'phone', masked: true },
    { name: 'unit_code', list: true },
    { name: 'village_code' },
    { name: 'rank', enumeration: 'rank', required: true, list: true },
    { name: 'education', enumeration: 'education' },
    { name: 'skills' },
    { name: 'title', list: true },
    { name: 'unit_head', enumeration: 'yes_no' },
  ],
};

// The row a value names, whether the API answered its token or its label.
export function enumRow(enumeration: string, value: string): EnumRow | undefined {
  return enumRows[enumeration]?.find((row) => row.token === value || row.label === value);
}

// A registry list as the API pages it by cursor (`GET /api/v1/{kind}?limit=20
// &q=…&cursor=…`): the rows, this page's cursor and the next one, the total
// when the API gives it, and why a load failed. `path` is read at each load,
// so a page whose kind changes lists the new one.
export function useCursorPage(path: () => string) {
  const q = ref('');
  const items = ref<any[]>([]);
  const cursor = ref('');
  const next = ref('');
  const total = ref(0);
  const loading = ref(false);
  const error = ref('');
  async function load(at: string) {
    loading.value = true;
    error.value = '';
    try {
      const params = new URLSearchParams({ limit: '20' });
      if (q.value.trim()) params.set('q', q.value.trim());
      if (at) params.set('cursor', at);
      const page = await api('GET', path() + '?' + params.toString());
      items.value = page.items;
      cursor.value = at;
      next.value = page.next ?? '';
      total.value = page.total ?? 0;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
  }
  return { q, items, cursor, next, total, loading, error, load };
}
