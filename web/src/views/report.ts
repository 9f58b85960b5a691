// What the notice and the bulletin pages share (Notices.vue, Bulletin.vue):
// the month and region a report is for, kept in the address like the
// dashboard's (?month=&region=) so a page can be linked to and reloaded,
// and the regions one may pick — the caller's own and, for a county, the
// townships its figures list. GET /api/v1/notice and /api/v1/bulletin take
// the same two parameters (notice_api.cpp).
import { computed, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { api } from '../api';
import { useSession } from '../session';
import { chinaMonth } from './figures';

export interface Area {
  code: string;
  name: string;
}

export function useReportQuery() {
  const route = useRoute();
  const router = useRouter();
  const session = useSession();
  // The notice and the bulletin are about a month gone by: last month.
  const month = computed(() => String(route.query.month || chinaMonth(1)));
  const region = computed(() => String(route.query.region || session.user?.scope.code || ''));
  const areas = ref<Area[]>([]);
  const query = computed(() => `region=${encodeURIComponent(region.value)}&month=${encodeURIComponent(month.value)}`);

  function go(change: { month?: string; region?: string }) {
    void router.push({ query: { region: change.region ?? region.value, month: change.month ?? month.value } });
  }
  // The figures' own region, and under a county its townships.
  function remember(figures: { region: string; region_name: string; townships: Area[] }) {
    if (figures.region.length === 6) {
      areas.value = [{ code: figures.region, name: figures.region_name }, ...figures.townships.map(({ code, name }) => ({ code, name }))];
    } else if (!areas.value.some((a) => a.code === figures.region)) {
      areas.value = [{ code: figures.region, name: figures.region_name }];
    }
  }
  return { month, region, query, areas, go, remember };
}

// Published notices (GET /api/v1/public/notices, newest first): their root
// hashes are the seeds an inspection or a callback draw should use — made
// public before the draw, so anyone can draw the same sample again.
export interface PublishedNotice {
  id: string;
  title: string;
  month: string;
  journal: { seq: number; hash: string };
}
export async function publishedNotices(region: string): Promise<PublishedNotice[]> {
  return (await api<{ items: PublishedNotice[] }>('GET', `/api/v1/public/notices?region=${encodeURIComponent(region)}`)).items;
}
