import { t, type Key } from "../i18n";
import { useRoute } from "../router";

export interface NavItem {
  path: string;
  label: Key;
}

// The persistent menu; the current section is marked for screen readers too.
export function Nav({ items }: { items: NavItem[] }) {
  const route = useRoute();
  const section = "/" + (route.path.split("/")[1] ?? "");
  return (
    <nav aria-label={t("menu")} class="side">
      <ul>
        {items.map((item) => (
          <li key={item.path}>
            <a href={`#${item.path}`} aria-current={section === item.path ? "page" : undefined}>
              {t(item.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
