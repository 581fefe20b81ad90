import type { ComponentChildren } from "preact";

// A data table as every page shows one: caption, column headings, rows;
// wide tables scroll inside their box instead of widening the page.
export function Table({
  caption,
  head,
  children,
  class: className,
}: {
  caption: string;
  head: string[];
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <div class="table-wrap">
      <table class={className}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
